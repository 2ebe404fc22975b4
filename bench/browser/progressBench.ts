// `npm run bench:progress`: how fast the playground gets somewhere, in seconds — the timings the
// browser tests no longer assert (they wait for the state with a hang time-out only; issue 29).
// Builds the playground, serves it with vite preview, opens it in Debian's Chromium (WebGPU on)
// and reports, per setting: seconds (and updates) until the patterns task is above chance for
// HNCA and REINFORCE on the CPU and WebGPU engines (tests/browser/playground.test.ts,
// cpuFallback.test.ts), the speed cap of speed=2 (at most 50 updates/s: the transport test), and
// seconds until the VAE's training ELBO has risen by 30 nats (tests/browser/vae.test.ts). The
// redraw time, the longest main-thread task and Pause are `npm run bench:charts`' numbers.
// A benchmark, not a test: it prints numbers and writes bench/RESULTS-progress.md.
// Env: PROGRESS_BENCH_LIMIT_S (600): give up on a milestone after this many seconds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_PATH, chromiumArgs, freePort } from '../../src/node/headlessChromium.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LIMIT_S = Number(process.env.PROGRESS_BENCH_LIMIT_S ?? 600);

/** A number shown in the page under `testId` (NaN while it shows none). */
async function shown(page: Page, testId: string): Promise<number> {
  const text = ((await page.textContent(`[data-testid="${testId}"]`)) ?? '').replace('−', '-');
  return text.trim() === '' || text.includes('—') ? Number.NaN : Number(text);
}

/** Seconds (wall clock, from Play) and updates until `reached` holds; null past LIMIT_S. */
async function until(page: Page, reached: () => Promise<boolean>): Promise<{ seconds: number; updates: number } | null> {
  const start = Date.now();
  while (!(await reached())) {
    if (Date.now() - start > LIMIT_S * 1000) return null;
    await page.waitForTimeout(100);
  }
  return { seconds: (Date.now() - start) / 1000, updates: await shown(page, 'status-updates') };
}

const started = Date.now();
const load = loadavg().map((l) => l.toFixed(2)).join(', ');
const outDir = mkdtempSync(path.join(tmpdir(), 'hnca-progress-bench-'));
await build({ root: ROOT, mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
const port = await freePort();
const server = await preview({ root: ROOT, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
const userDataDir = mkdtempSync(path.join(tmpdir(), 'hnca-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs({ webgpu: true }), viewport: { width: 1280, height: 800 } });

/** Opens `query`, waits for the engine, clicks Play; the page and its engine line. */
async function play(query: string): Promise<{ page: Page; engine: string }> {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/${query}`);
  await page.waitForSelector('[data-testid="engine-status"]:not([data-backend="none"])', { timeout: 180_000 });
  const engine = (await page.textContent('[data-testid="engine-status"]')) ?? '';
  await page.click('[data-testid="play"]');
  return { page, engine };
}

const rows: string[] = [];
const row = (setting: string, engine: string, what: string, result: string): void => {
  const line = `| \`${setting}\` | ${engine.split(' — ')[0]} | ${what} | ${result} |`;
  console.log(line);
  rows.push(line);
};
const fmt = (r: { seconds: number; updates: number } | null): string => (r ? `${r.seconds.toFixed(1)} s (update ${r.updates})` : `not within ${LIMIT_S} s`);

for (const engine of ['cpu', 'webgpu']) {
  const query = `?task=patterns&seeds=2&engine=${engine}`;
  const { page, engine: line } = await play(query);
  const r = await until(page, async () => (await shown(page, 'latest-test-hnca')) > 0.5 && (await shown(page, 'latest-test-reinforce')) > 0.5);
  row(query, line, 'HNCA and REINFORCE test accuracy > 0.5', fmt(r));
  await page.close();
}
{
  const query = '?task=patterns&speed=2';
  const { page, engine } = await play(query);
  await page.waitForTimeout(10_000);
  row(query, engine, 'updates/s after 10 s (cap: 50)', `${(await shown(page, 'status-speed')).toFixed(1)} updates/s shown; ${await shown(page, 'status-updates')} updates`);
  await page.close();
}
for (const engine of ['cpu', 'webgpu']) {
  const query = engine === 'cpu' ? '?task=vae&engine=cpu&width=32&batch=20&test=40&k=4&lr=0.003&est=fhnca-baseline,reinforce' : '?task=vae&engine=webgpu&width=16&batch=10&test=40&k=2&lr=0.003&est=fhnca-baseline,reinforce';
  const { page, engine: line } = await play(query);
  const first = await until(page, async () => Number.isFinite(await shown(page, 'latest-train-fhnca-baseline')));
  const elbo = await shown(page, 'latest-train-fhnca-baseline');
  row(query, line, 'first training ELBO shown', fmt(first));
  const rise = first ? await until(page, async () => (await shown(page, 'latest-train-fhnca-baseline')) > elbo + (engine === 'cpu' ? 30 : 20)) : null;
  row(query, line, `training ELBO up ${engine === 'cpu' ? 30 : 20} nats after the first`, fmt(rise));
  await page.close();
}
await context.close();
await server.close();
rmSync(outDir, { recursive: true, force: true });
rmSync(userDataDir, { recursive: true, force: true });

const text = [
  '# Playground progress in seconds (the timings the browser tests do not assert)',
  '',
  'Regenerated by `npm run bench:progress` (bench/browser/progressBench.ts): a production build in headless Chromium (WebGPU on; here SwiftShader).',
  'The browser tests wait for these states with a hang time-out only (tests/browser/harness.ts HANG_MS); how long they take depends on the machine and its load.',
  '',
  `- date: ${new Date(started).toISOString()}`,
  `- machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores); load average at start ${load}`,
  '',
  '| setting | engine | milestone | reached |',
  '| --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');
writeFileSync(path.join(ROOT, 'bench/RESULTS-progress.md'), text);
console.log(`wrote bench/RESULTS-progress.md in ${((Date.now() - started) / 1000).toFixed(0)} s`);
