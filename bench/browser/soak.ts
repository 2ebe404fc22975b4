// Browser soak (issue 15; not part of npm test): many updates of a small configuration in the
// playground's own training worker, sampling the worker's JS heap after garbage collection and,
// on the WebGPU engine, the bytes of the GPU buffers its runtime owns, to find leaks.
//   npm run soak:browser -- [--engine cpu|webgpu] [--updates N] [--every N] [--seconds S] [--resets R]
// Builds the playground (vite build into a temporary folder), serves it with vite preview and
// opens it in headless Chromium (playwright-core; WebGPU on SwiftShader without a GPU) with
// ?test-hooks=1. The page trains in "step N" slices of `--every` updates (its own buttons); after
// each slice the soak attaches to the worker through the Chrome DevTools Protocol (a browser
// session, Target.attachToTarget), runs HeapProfiler.collectGarbage twice and reads
// Runtime.getHeapUsage, and reads the runtime's buffer bytes from the worker's test probe
// (src/worker/protocol.ts WorkerProbe: GpuResources.bytes). Prints one line per sample and the
// growth after warm-up (the first 10% of the updates reached), in total, per 100 000 updates
// (least-squares slope) and over the second half of the run. The page's heap is printed too, for information only: its charts keep
// every metric point by design. --seconds stops early (at a slice boundary) and says so.
// --resets R (issue 26) first clicks Reset R times while training (Play, a few updates, Reset),
// and after each reads the bytes of the GPU buffers of every engine the worker built and has not
// released (WorkerProbe.allGpuBufferBytes: old engines included), right after the new engine is
// ready: a reset releases the old engine's buffers at once, so this stays at one engine's bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_PATH, chromiumArgs, freePort } from '../../src/node/headlessChromium.ts';
import { WORKER_PROBE_GLOBAL, type WorkerProbe } from '../../src/worker/protocol.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** the step-N box accepts at most this many updates (src/app/components/TransportBar.tsx) */
const STEP_MAX = 100_000;

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'cpu' },
    updates: { type: 'string', default: '200000' },
    every: { type: 'string' },
    seconds: { type: 'string', default: '0' },
    resets: { type: 'string', default: '0' },
  },
});
const engineChoice = values.engine === 'webgpu' ? 'webgpu' : values.engine === 'cpu' ? 'cpu' : undefined;
if (!engineChoice) throw new Error(`--engine: expected cpu or webgpu, got '${values.engine}'`);
const updates = Number(values.updates);
const every = Number(values.every ?? Math.max(1000, Math.floor(updates / 20)));
const budgetSeconds = Number(values.seconds);
const resets = Number(values.resets);
if (!Number.isInteger(resets) || resets < 0 || resets > 1000) throw new Error('--resets: an integer from 0 to 1000');
if (!Number.isInteger(updates) || updates < 1000 || updates > 250_000) throw new Error('--updates: an integer from 1000 to 250000 (1000 epochs of 250 updates)');
if (!Number.isInteger(every) || every < 1 || every > STEP_MAX) throw new Error(`--every: an integer from 1 to ${STEP_MAX}`);
if (!Number.isFinite(budgetSeconds) || budgetSeconds < 0) throw new Error('--seconds: a number ≥ 0 (0: no time limit)');

// patterns (2000 training examples), 2 hidden layers of 16 units, batch 8: 250 updates per
// epoch, 1000 epochs (the URL's maximum) = 250 000 updates; one estimator, one seed
const QUERY = `?task=patterns&hidden=2&width=16&batch=8&est=hnca&seeds=1&epochs=1000&test=100&engine=${engineChoice}&test-hooks=1`;

/** One CDP session on the training worker, through a browser session (non-flat: messages wrapped in Target.sendMessageToTarget). */
class WorkerSession {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly browserSession: CDPSession,
    private readonly sessionId: string,
  ) {
    browserSession.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const entry = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error) entry?.reject(new Error(`worker CDP: ${message.error.message}`));
      else entry?.resolve(message.result);
    });
  }

  /** Attaches to the dedicated worker that has the test probe. */
  static async attach(browserSession: CDPSession): Promise<WorkerSession> {
    const { targetInfos } = await browserSession.send('Target.getTargets');
    for (const target of targetInfos.filter((t) => t.type === 'worker')) {
      const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
      const session = new WorkerSession(browserSession, sessionId);
      if ((await session.evaluate(`typeof self.${WORKER_PROBE_GLOBAL}`)) === 'function') return session;
      await browserSession.send('Target.detachFromTarget', { sessionId });
    }
    throw new Error('soak: no training worker with the test probe (is ?test-hooks=1 on the page?)');
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    void this.browserSession.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) });
    return answer;
  }

  async evaluate(expression: string): Promise<unknown> {
    const result = (await this.send('Runtime.evaluate', { expression, returnByValue: true })) as { result: { value?: unknown }; exceptionDetails?: { text: string } };
    if (result.exceptionDetails) throw new Error(`worker: ${expression}: ${result.exceptionDetails.text}`);
    return result.result.value;
  }

  async heapAfterGc(): Promise<number> {
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.collectGarbage');
    return ((await this.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
  }

  async probe(): Promise<WorkerProbe> {
    return (await this.evaluate(`self.${WORKER_PROBE_GLOBAL}()`)) as WorkerProbe;
  }
}

async function pageHeapAfterGc(session: CDPSession): Promise<number> {
  await session.send('HeapProfiler.collectGarbage');
  return (await session.send('Runtime.getHeapUsage')).usedSize;
}

async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`soak: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Trains `n` more updates with the page's "step N" control and waits until the page says paused. */
async function stepPage(page: Page, worker: WorkerSession, target: number, n: number): Promise<void> {
  await page.fill('[data-testid="step-n-count"]', String(n));
  await page.click('[data-testid="step-n"]');
  await waitFor(() => worker.probe(), (p) => p.updatesDone >= target, 3_600_000, `update ${target}`);
  await waitFor(() => page.textContent('[data-testid="status-state"]'), (s) => s === 'paused', 60_000, 'the pause');
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);
const kib = (bytes: number): string => (bytes / 2 ** 10).toFixed(1);

function slopePer100k(points: { updates: number; value: number }[]): number {
  const mx = points.reduce((a, p) => a + p.updates, 0) / points.length;
  const my = points.reduce((a, p) => a + p.value, 0) / points.length;
  const sxx = points.reduce((a, p) => a + (p.updates - mx) ** 2, 0);
  return sxx > 0 ? (points.reduce((a, p) => a + (p.updates - mx) * (p.value - my), 0) / sxx) * 100_000 : 0;
}

const outDir = mkdtempSync(path.join(tmpdir(), 'hnca-soak-'));
const started = performance.now();
console.log(`soak (browser): building the playground into ${outDir}`);
await build({ root: ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
const port = await freePort();
const server = await preview({ root: ROOT, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs({ webgpu: engineChoice === 'webgpu' }) });
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`http://127.0.0.1:${port}/${QUERY}`);
  await page.waitForSelector('[data-testid="engine-status"]:not([data-backend="none"])', { timeout: 120_000 });
  const header = (await page.textContent('[data-testid="engine-status"]')) ?? '';
  const browserSession = await browser.newBrowserCDPSession();
  const worker = await WorkerSession.attach(browserSession);
  const pageSession = await page.context().newCDPSession(page);
  const first = await worker.probe();
  if (first.backend !== engineChoice) throw new Error(`soak: asked for the ${engineChoice} engine, the page runs ${first.backend} (${header})`);
  console.log(`soak (browser): ${header}; Chromium ${browser.version()}; ${QUERY}; heap sampled every ${every} updates up to ${updates}${budgetSeconds > 0 ? ` or ${budgetSeconds} s` : ''}`);

  if (resets > 0) {
    // Reset while training, R times: the bytes of every engine built and not released, once the new engine is ready
    const held: number[] = [];
    for (let r = 1; r <= resets; r++) {
      await page.click('[data-testid="play"]');
      await waitFor(() => worker.probe(), (p) => p.updatesDone >= 5, 120_000, `update 5 before reset ${r}`);
      await page.click('[data-testid="reset-same"]');
      const ready = await waitFor(() => worker.probe(), (p) => p.backend !== null && p.updatesDone === 0, 120_000, `the engine after reset ${r}`);
      held.push(ready.allGpuBufferBytes);
      console.log(`  reset ${String(r).padStart(3)}: GPU buffers of the current engine ${ready.gpuBufferBytes ?? 0} bytes; of every engine not released ${ready.allGpuBufferBytes} bytes`);
    }
    const one = (await worker.probe()).gpuBufferBytes ?? 0;
    console.log(`soak (browser, ${engineChoice}): ${resets} resets while training; GPU buffers held after each, every engine built and not released: min ${mib(Math.min(...held))} MiB, max ${mib(Math.max(...held))} MiB (one engine: ${mib(one)} MiB)`);
  }

  const samples: { updates: number; worker: number; page: number; gpu: number | null; seconds: number }[] = [];
  const sample = async (): Promise<void> => {
    const probe = await worker.probe();
    const point = { updates: probe.updatesDone, worker: await worker.heapAfterGc(), page: await pageHeapAfterGc(pageSession), gpu: probe.gpuBufferBytes, seconds: (performance.now() - started) / 1000 };
    samples.push(point);
    console.log(
      `  ${String(point.updates).padStart(7)} updates  worker heap ${kib(point.worker)} KiB${point.gpu === null ? '' : `  GPU buffers ${point.gpu} bytes`}  (page heap ${mib(point.page)} MiB)  ${point.seconds.toFixed(0)} s`,
    );
  };
  await sample();
  const trainStart = performance.now();
  let stoppedEarly = false;
  for (let done = 0; done < updates; ) {
    if (budgetSeconds > 0 && (performance.now() - trainStart) / 1000 > budgetSeconds) {
      stoppedEarly = true;
      break;
    }
    const n = Math.min(every, updates - done);
    await stepPage(page, worker, done + n, n);
    done += n;
    await sample();
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;

  const last = samples[samples.length - 1];
  const warm = samples.find((p) => p.updates >= last.updates * 0.1 && p.updates > 0) ?? samples[0];
  const after = samples.filter((p) => p.updates >= warm.updates);
  const workerSlope = slopePer100k(after.map((p) => ({ updates: p.updates, value: p.worker })));
  const pageSlope = slopePer100k(after.map((p) => ({ updates: p.updates, value: p.page })));
  const spread = Math.max(...after.map((p) => p.worker)) - Math.min(...after.map((p) => p.worker));
  const half = samples.find((p) => p.updates >= last.updates / 2) ?? warm;
  const gpu = warm.gpu !== null && last.gpu !== null ? `; GPU buffers ${mib(warm.gpu)} → ${mib(last.gpu)} MiB (${last.gpu - warm.gpu} bytes)` : '';
  console.log(
    `soak (browser, ${engineChoice}): ${last.updates} updates in ${trainSeconds.toFixed(0)} s (${(last.updates / trainSeconds).toFixed(0)} updates/s)${stoppedEarly ? `, stopped by --seconds ${budgetSeconds}` : ''}; ` +
      `worker heap after warm-up (update ${warm.updates}) ${kib(warm.worker)} → ${kib(last.worker)} KiB (growth ${kib(last.worker - warm.worker)} KiB; ` +
      `fitted ${kib(workerSlope)} KiB per 100 000 updates; spread of the samples ${kib(spread)} KiB; over the second half, from update ${half.updates}, ${kib(last.worker - half.worker)} KiB)${gpu}; ` +
      `page heap ${mib(warm.page)} → ${mib(last.page)} MiB (fitted ${(pageSlope / 2 ** 10).toFixed(0)} KiB per 100 000 updates: the charts keep every point by design)`,
  );
} finally {
  await browser.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
}
