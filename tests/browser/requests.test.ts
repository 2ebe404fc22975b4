// Every request of the page is answered (issue 26), in Debian's Chromium (WebGPU on SwiftShader):
// Save model, Load model, Evaluate and Inspect (the bandit) and the VAE views, each interrupted
// at the moment it is sent by a Reset, a task switch, the loss of the WebGPU device and a crash
// of the worker (then its restart). Each must settle (the page's count of pending requests goes
// back to 0), say its outcome in one line where it has one, leave Save/Load model usable, and put
// no internal error text on the page. A long test evaluation (the VAE bound, K = 5000) holds on
// Pause and stops on Reset; at batch 1 the variance is said to be undefined; a denied clipboard
// is said in the page. The interruption is fired synchronously right after the request's
// postMessage (a wrapper of Worker.prototype.postMessage installed before the page's scripts),
// so the worker always receives it while the request is in flight.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { playgroundSession, pollUntil, readNumber, screenshot, waitForEngine } from './harness.ts';

const session = playgroundSession({ webgpu: true });

type RequestKind = 'save' | 'load' | 'evaluate' | 'inspect';
type Interruption = 'reset' | 'task' | 'deviceLost' | 'crash';

/** the worker request type each page request sends */
const REQUEST_TYPE: Record<RequestKind, string> = { save: 'exportModel', load: 'importModel', evaluate: 'evaluate', inspect: 'inspect' };

declare global {
  interface Window {
    /** set by the test: run `action` right after the page posts a message of `type` to the worker */
    hncaAfterSend?: { type: string; action: () => void } | null;
  }
}

/** Installs the postMessage wrapper (before the page's scripts) and opens the playground at `query`. */
async function openArmed(query: string): Promise<Page> {
  const page = await session.newPage();
  await page.addInitScript(() => {
    const post = Worker.prototype.postMessage;
    // eslint-style overloads: forward whatever the page passes
    Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
      post.apply(this, args);
      const message: unknown = args[0];
      const armed = window.hncaAfterSend;
      if (armed && typeof message === 'object' && message !== null && (message as { type?: unknown }).type === armed.type) {
        window.hncaAfterSend = null;
        armed.action();
      }
    } as Worker['postMessage'];
  });
  await page.goto(`${session.url}${query}`);
  return page;
}

/** Arms `interruption` to fire right after the next worker message of `type`. */
async function arm(page: Page, type: string, interruption: Interruption): Promise<void> {
  await page.evaluate(
    ([t, what]) => {
      const click = (testId: string): void => (document.querySelector(`[data-testid="${testId}"]`) as HTMLElement | null)?.click();
      window.hncaAfterSend = {
        type: t,
        action: () => {
          if (what === 'reset') click('reset-same');
          else if (what === 'task') {
            // to MNIST and straight back (two rebuilds; the MNIST engine is never built, which keeps the test short)
            const select = document.querySelector('[data-testid="control-task"]') as HTMLSelectElement;
            for (const task of ['mnist', 'patterns']) {
              select.value = task;
              select.dispatchEvent(new Event('change', { bubbles: true }));
            }
          } else if (what === 'deviceLost') window.hncaTestHook?.('destroyDevice');
          else window.hncaTestHook?.('crash');
        },
      };
    },
    [type, interruption] as const,
  );
}

const pending = (page: Page): Promise<number> => page.evaluate(() => window.hncaPendingRequests?.() ?? -1);
const text = (page: Page, testId: string): Promise<string | null> => page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null, testId);

/** No engine-internal text anywhere on the page (the error banner included). */
async function expectNoInternalText(page: Page): Promise<void> {
  const body = (await page.textContent('body')) ?? '';
  expect(body).not.toMatch(/used after dispose|EngineError|TypeError|undefined \(reading/);
}

/** Brings the page back to a ready engine of `backend` for the patterns task (after a task switch, a lost device or a dead worker). */
async function ready(page: Page, backend: 'cpu' | 'webgpu'): Promise<void> {
  if (await page.$('[data-testid="restart-worker"]')) await page.click('[data-testid="restart-worker"]');
  await waitForEngine(page);
  if ((await page.getAttribute('[data-testid="engine-status"]', 'data-backend')) !== backend) {
    await page.click('[data-testid="reset-same"]'); // after a lost device: engine=webgpu builds a WebGPU engine again
    await pollUntil(() => page.getAttribute('[data-testid="engine-status"]', 'data-backend'), (b) => b === backend, 60_000);
  }
  await page.waitForSelector('[data-testid="save-model"]:not([disabled])', { timeout: 60_000 });
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testId}"]`)]);
  return readFileSync((await file.path()) ?? '', 'utf8');
}

/**
 * Each request of `cases` interrupted by its interruption on a patterns page of `backend`: it
 * settles, its outcome is said in one line (save, load, evaluate), Save/Load model are usable
 * after, and no internal text shows. Returns the outcomes, one line per case.
 */
async function requestMatrix(backend: 'cpu' | 'webgpu', cases: [RequestKind, Interruption][]): Promise<string[]> {
  const page = await openArmed(`?task=patterns&hidden=1&width=16&engine=${backend}&test-hooks=1`);
  await ready(page, backend);
  await page.fill('[data-testid="step-n-count"]', '30');
  await page.click('[data-testid="step-n"]');
  await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 30, 60_000);
  const saved = await download(page, 'save-model');
  const outcomes: string[] = [];
  for (const [kind, interruption] of cases) {
    await ready(page, backend);
    const before = await text(page, 'model-message');
    await arm(page, REQUEST_TYPE[kind], interruption);
    if (kind === 'save') await page.click('[data-testid="save-model"]');
    else if (kind === 'load') await page.setInputFiles('[data-testid="load-model-input"]', { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
    else if (kind === 'evaluate') await page.click('[data-testid="evaluate"]');
    else await page.click('[data-testid="inspect-refresh"]');
    // armed: the interruption fired once the request was sent
    expect(await pollUntil(() => page.evaluate(() => window.hncaAfterSend ?? null), (a) => a === null, 30_000)).toBeNull();
    const left = await pollUntil(() => pending(page), (n) => n === 0, 60_000);
    expect(left, `${kind} × ${interruption}: requests still pending`).toBe(0);
    let outcome = '';
    if (kind === 'save' || kind === 'load') {
      outcome = (await pollUntil(() => text(page, 'model-message'), (t) => t !== null && t !== before, 30_000)) ?? '';
      expect(outcome, `${kind} × ${interruption}`).toMatch(kind === 'save' ? /^(Saved hnca-model-.*\.json\.|Save model: .*[^.]; nothing was saved\.)$/ : /^(Loaded model\.json \(update 30\); training continues from it\.|Load model: model\.json was not loaded: .*[^.]\.)$/);
      expect(outcome).not.toContain('\n');
    }
    if (interruption === 'crash') {
      expect(await pollUntil(() => text(page, 'worker-dead-message'), (t) => t !== null, 30_000)).toMatch(/^The training worker stopped/);
      if (kind === 'evaluate') {
        // the CPU engine may answer before the crash: the table, or the line saying why not
        outcome = (await text(page, 'evaluate-failure')) ?? ((await page.$('[data-testid="per-class"]')) ? 'answered before the crash' : '');
        expect(outcome, `${kind} × ${interruption}`).toMatch(/^(Evaluation not finished: the training worker stopped; press Evaluate again\.|answered before the crash)$/);
      }
      await page.click('[data-testid="restart-worker"]');
    }
    if (kind === 'evaluate' && (interruption === 'reset' || interruption === 'task')) {
      // the panel is rebuilt with the new engine: the failure line stays until the next evaluation
      await ready(page, backend);
      outcome = (await text(page, 'evaluate-failure')) ?? '';
      expect(outcome, `${kind} × ${interruption}`).toMatch(/^Evaluation not finished: .*[^.]; press Evaluate again\.$/);
    }
    outcomes.push(`${kind} × ${interruption}: ${outcome}`);
    await waitForEngine(page);
    expect(await page.isDisabled('[data-testid="load-model"]'), `${kind} × ${interruption}: Load model disabled`).toBe(false);
    await page.waitForSelector('[data-testid="save-model"]:not([disabled])', { timeout: 60_000 });
    await expectNoInternalText(page);
    expect(await page.$('[data-testid="error"]'), `${kind} × ${interruption}: ${await text(page, 'error')}`).toBeNull();
  }
  // the page still trains and answers
  await ready(page, backend);
  await page.fill('[data-testid="step-n-count"]', '12');
  await page.click('[data-testid="step-n"]');
  expect(await pollUntil(() => readNumber(page, 'status-updates'), (u) => u >= 12, 60_000)).toBeGreaterThanOrEqual(12);
  await page.click('[data-testid="evaluate"]');
  await page.waitForSelector('[data-testid="per-class"]', { timeout: 60_000 });
  expect(session.errors.filter((e) => !/test hook: the training worker crashed/.test(e))).toEqual([]);
  await page.close();
  return outcomes;
}

const KINDS: RequestKind[] = ['save', 'load', 'evaluate', 'inspect'];

describe('every request is answered when it is interrupted', () => {
  it('on the CPU engine: save, load, evaluate and inspect × Reset, a task switch and a worker crash (then its restart)', async () => {
    const cases = (['reset', 'task', 'crash'] as const).flatMap((i) => KINDS.map((k): [RequestKind, Interruption] => [k, i]));
    console.log((await requestMatrix('cpu', cases)).join('\n'));
  }, 300_000);

  it('on the WebGPU engine: save, load, evaluate and inspect × the loss of the device, and Save or Evaluate × Reset', async () => {
    const cases: [RequestKind, Interruption][] = [...KINDS.map((k): [RequestKind, Interruption] => [k, 'deviceLost']), ['save', 'reset'], ['evaluate', 'reset']];
    console.log((await requestMatrix('webgpu', cases)).join('\n'));
  }, 400_000);
});

describe('the VAE views request, interrupted', () => {
  it('settles on Reset and on a crash of the worker (CPU), and on the loss of the device (WebGPU); the views come back', async () => {
    const cases: ['cpu' | 'webgpu', Interruption][] = [
      ['cpu', 'reset'],
      ['cpu', 'crash'],
      ['webgpu', 'deviceLost'],
    ];
    for (const [backend, interruption] of cases) {
      const page = await openArmed(`?task=vae&layers=1&width=8&batch=5&test=200&engine=${backend}&est=reinforce&test-hooks=1`);
      await waitForEngine(page, 120_000);
      expect(await page.getAttribute('[data-testid="engine-status"]', 'data-backend')).toBe(backend);
      // the first views answered, then a new request (another test image) interrupted as it is sent
      await pollUntil(() => page.getAttribute('[data-testid="vae-views"]', 'data-update'), (u) => u !== null && Number(u) >= 0, 120_000);
      await arm(page, 'viewVae', interruption);
      await page.fill('[data-testid="vae-chosen"]', '7');
      await page.press('[data-testid="vae-chosen"]', 'Enter');
      expect(await pollUntil(() => page.evaluate(() => window.hncaAfterSend ?? null), (a) => a === null, 30_000), `${backend} × ${interruption}: armed`).toBeNull();
      expect(await pollUntil(() => pending(page), (n) => n === 0, 60_000), `views × ${interruption}: requests still pending`).toBe(0);
      if (interruption === 'crash') {
        expect(await pollUntil(() => text(page, 'worker-dead-message'), (t) => t !== null, 30_000)).toMatch(/^The training worker stopped/);
        await page.click('[data-testid="restart-worker"]');
      }
      // a working page again (a lost device: the CPU engine takes over), whose views are answered
      await waitForEngine(page, 120_000);
      await page.waitForSelector('[data-testid="vae-views"]', { timeout: 60_000 });
      await page.click('[data-testid="step-one"]');
      expect(await pollUntil(() => page.getAttribute('[data-testid="vae-views"]', 'data-update'), (u) => Number(u) >= 1, 120_000), `views × ${interruption}: no views after`).not.toBeNull();
      expect(await pending(page)).toBe(0);
      await expectNoInternalText(page);
      expect(await page.$('[data-testid="error"]'), `views × ${interruption}: ${await text(page, 'error')}`).toBeNull();
      await page.close();
    }
  }, 600_000);
});

/** The text of the test bound's progress line ('' when idle). */
const boundProgress = async (page: Page): Promise<string> => (await page.textContent('[data-testid="bound-progress"]')) ?? '';

describe('a long test evaluation (the VAE bound, K = 5000)', () => {
  it('holds on Pause (its progress stops, the views still answer), finishes on Play, and stops on Reset, which shows update 0 at once', async () => {
    const page = await openArmed('?task=vae&engine=cpu&width=8&batch=5&test=200&k=5000&est=reinforce&test-hooks=1');
    await waitForEngine(page);
    await page.click('[data-testid="play"]');
    await page.waitForSelector('[data-testid="bound-progress"][data-state="running"]', { timeout: 120_000 });
    // a few percent in, then Pause
    await pollUntil(() => boundProgress(page), (t) => /… [1-9]\d*%/.test(t), 60_000);
    await page.click('[data-testid="pause"]');
    expect(await pollUntil(() => page.textContent('[data-testid="status-state"]'), (s) => s === 'paused', 5_000)).toBe('paused');
    const updates = await readNumber(page, 'status-updates');
    await page.waitForTimeout(1000); // the slice in progress ends (two test images at K = 5000)
    const held = await boundProgress(page);
    expect(held).toMatch(/^Computing the 5000-sample test bound… \d+%/);
    await page.waitForTimeout(3000);
    expect(await boundProgress(page)).toBe(held); // nothing computed while paused
    expect(await readNumber(page, 'status-updates')).toBe(updates);
    // the views asked on pause were answered beside the held evaluation
    expect(await pollUntil(() => page.evaluate(() => window.hncaPendingRequests?.() ?? -1), (n) => n === 0, 30_000)).toBe(0);
    expect(Number(await page.getAttribute('[data-testid="vae-views"]', 'data-update'))).toBe(updates);
    // Play: the evaluation goes on from where it was held
    await page.click('[data-testid="play"]');
    await pollUntil(() => boundProgress(page), (t) => t !== held, 60_000);
    // Reset during the evaluation: update 0 at once (not the old count while the engine starts), and the new engine comes
    await page.click('[data-testid="reset-same"]');
    expect(await page.textContent('[data-testid="status-updates"]')).toBe('0');
    await waitForEngine(page);
    expect(await readNumber(page, 'status-updates')).toBe(0);
    expect(await page.getAttribute('[data-testid="bound-progress"]', 'data-state')).toBe('idle');
    await page.waitForTimeout(1000);
    expect(await readNumber(page, 'status-updates')).toBe(0); // no late snapshot of the old run
    expect(await page.$('[data-testid="error"]')).toBeNull();
    await page.close();
  }, 300_000);
});

describe('a batch of one example', () => {
  it('says that the gradient variance is undefined instead of drawing a log of rounding noise', async () => {
    const page = await session.open('?task=patterns&batch=1&engine=cpu');
    await waitForEngine(page);
    await page.fill('[data-testid="step-n-count"]', '400');
    await page.click('[data-testid="step-n"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 400, 60_000);
    const note = 'Gradient variance is undefined for a batch of 1 (one example per update has no spread within the batch): no variance points while batch = 1.';
    expect(await page.textContent('[data-testid="chart-note-variance"]')).toContain(note);
    expect(await page.textContent('[data-testid="chart-note-layer-variance"]')).toBe(note);
    // the latest values (redrawn on a timer): the training numbers, and the variance said undefined
    const train = await pollUntil(
      () => page.$$eval('[data-testid^="latest-train-"]', (c) => c.map((e) => e.textContent ?? '')),
      (t) => t.length > 0 && t.every((v) => Number(v) >= 0 && Number(v) <= 1),
      15_000,
    );
    expect(train.every((t) => Number(t) >= 0 && Number(t) <= 1), train.join(' ')).toBe(true);
    const cells = await page.$$eval('[data-testid^="latest-logvar-"]', (c) => c.map((e) => e.textContent));
    expect(cells.length).toBe(train.length);
    expect(new Set(cells)).toEqual(new Set(['undefined (batch 1)']));
    await screenshot(page, '28-batch-one');
    // a batch of 2: the variance is a number again
    await page.fill('[data-testid="control-batch"]', '2');
    await page.press('[data-testid="control-batch"]', 'Enter');
    expect(await page.$('[data-testid="chart-note-layer-variance"]')).toBeNull();
    await page.close();
  });
});

describe('a model file the worker refuses', () => {
  it('is named in one line, changes nothing, and leaves the page working', async () => {
    const page = await session.open('?task=patterns&hidden=1&width=16&engine=cpu');
    await waitForEngine(page);
    await page.fill('[data-testid="step-n-count"]', '30');
    await page.click('[data-testid="step-n"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 30, 60_000);
    const saved = JSON.parse(await download(page, 'save-model')) as { training: { progress: Record<string, unknown> } };
    saved.training.progress.failed = 'none'; // refused by the worker's decoder of the training state
    await page.setInputFiles('[data-testid="load-model-input"]', { name: 'damaged.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) });
    const line = await pollUntil(() => text(page, 'model-message'), (t) => t !== null && t.includes('damaged.json'), 30_000);
    expect(line).toBe('Load model: damaged.json: progress.failed: expected a list, got "none"; nothing was changed.');
    expect(await page.isDisabled('[data-testid="load-model"]')).toBe(false);
    expect(await page.isDisabled('[data-testid="save-model"]')).toBe(false);
    expect(await readNumber(page, 'status-updates')).toBe(30);
    await page.fill('[data-testid="step-n-count"]', '10');
    await page.click('[data-testid="step-n"]');
    expect(await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 40, 60_000)).toBe(40);
    expect(await page.$('[data-testid="error"]')).toBeNull();
    await page.close();
  });
});
