// The playground in Debian's Chromium (WebGPU on SwiftShader): loading, engine header,
// training, transport controls, URL state, long tasks. Screenshots go to test-artifacts/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, launchChromium, pollUntil, readNumber, screenshot, servePlayground, waitForEngine, type LaunchedBrowser, type ServedPlayground } from './harness.ts';

const gpuEngineInTree = existsSync(path.join(ROOT, 'src/engine/gpu/index.ts'));
const PATTERNS = '?task=patterns';

let served: ServedPlayground;
let browser: LaunchedBrowser;

beforeAll(async () => {
  served = await servePlayground();
  browser = await launchChromium({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function open(query: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${served.url}${query}`);
  return page;
}

describe('playground in Chromium with WebGPU enabled', () => {
  it('loads MNIST without console errors and names the engine in the header', async () => {
    const page = await open('');
    const header = await waitForEngine(page, 90_000);
    if (gpuEngineInTree) expect(header).toMatch(/WebGPU engine — .*SwiftShader/i);
    else expect(header).toMatch(/CPU engine — WebGPU unavailable: the WebGPU engine is not part of this build/);
    await page.waitForSelector('[data-testid="chart-accuracy"]');
    await screenshot(page, '01-mnist-loaded');
    expect(browser.errors).toEqual([]);
    await page.close();
  });

  it('trains the patterns task above chance', async () => {
    const page = await open(`${PATTERNS}&seeds=2`);
    await waitForEngine(page);
    await page.click('[data-testid="play"]');
    const read = async (): Promise<number[]> => [await readNumber(page, 'latest-test-hnca'), await readNumber(page, 'latest-test-reinforce')];
    const accuracies = await pollUntil(read, (a) => a.every((v) => v > 0.5), 60_000);
    expect(accuracies[0]).toBeGreaterThan(0.5); // chance is 0.25 (4 classes)
    expect(accuracies[1]).toBeGreaterThan(0.5);
    await page.waitForTimeout(1500); // one more chart redraw
    await screenshot(page, '02-patterns-trained');
    expect(browser.errors).toEqual([]);
    await page.close();
  });
});

describe('transport controls', () => {
  it('pause, step, resume and reset do what they say', async () => {
    const page = await open(`${PATTERNS}&speed=2`); // speed level 2: at most 50 updates/s
    await waitForEngine(page);
    const updates = (): Promise<number> => readNumber(page, 'status-updates');
    await page.click('[data-testid="play"]');
    expect(await pollUntil(updates, (u) => u >= 20, 30_000)).toBeGreaterThanOrEqual(20);
    await page.click('[data-testid="pause"]');
    await page.waitForSelector('[data-testid="play"]');
    await page.waitForTimeout(600);
    const paused = await updates();
    await page.waitForTimeout(1200);
    expect(await updates()).toBe(paused);

    await page.click('[data-testid="step-one"]');
    expect(await pollUntil(updates, (u) => u === paused + 1, 10_000)).toBe(paused + 1);
    await page.fill('[data-testid="step-n-count"]', '12');
    await page.click('[data-testid="step-n"]');
    expect(await pollUntil(updates, (u) => u === paused + 13, 10_000)).toBe(paused + 13);
    await page.waitForTimeout(800);
    expect(await updates()).toBe(paused + 13);

    await page.click('[data-testid="play"]');
    expect(await pollUntil(updates, (u) => u > paused + 20, 30_000)).toBeGreaterThan(paused + 20);
    await screenshot(page, '03-transport-resumed');

    await page.click('[data-testid="reset-same"]');
    await waitForEngine(page);
    expect(await pollUntil(updates, (u) => u === 0, 10_000)).toBe(0);
    expect(await page.textContent('[data-testid="status-state"]')).toBe('paused');
    expect(await page.textContent('.seed-line')).toContain('Seeds 1');

    await page.click('[data-testid="reset-new"]');
    await waitForEngine(page);
    const seedLine = await pollUntil(async () => (await page.textContent('.seed-line')) ?? '', (t) => !t.includes('Seeds 1'), 10_000);
    expect(seedLine).toMatch(/Seeds \d+/);
    expect(new URL(page.url()).searchParams.get('seed')).toBe(seedLine.replace(/\D+/, ''));
    expect(browser.errors).toEqual([]);
    await page.close();
  });

  it('reset with the same seed reproduces the run exactly', async () => {
    const page = await open(`${PATTERNS}&seed=5`);
    await waitForEngine(page);
    const trainAfter24 = async (): Promise<string> => {
      await page.fill('[data-testid="step-n-count"]', '24');
      await page.click('[data-testid="step-n"]');
      await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 24, 20_000);
      return pollUntil(async () => (await page.textContent('[data-testid="latest-train-hnca"]')) ?? '', (t) => t !== '—', 5_000);
    };
    const first = await trainAfter24();
    await page.click('[data-testid="reset-same"]');
    await waitForEngine(page);
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 0, 10_000);
    await pollUntil(async () => (await page.textContent('[data-testid="latest-train-hnca"]')) ?? '', (t) => t === '—', 5_000);
    const second = await trainAfter24();
    expect(first).not.toBe('—');
    expect(second).toBe(first);
    await page.close();
  });
});

describe('configuration in the URL', () => {
  it('round-trips a configuration and keeps live changes in the address', async () => {
    const query = '?task=patterns&hidden=2&width=8&lr=0.02&seeds=2&seed=7&est=hnca-baseline,reinforce';
    const page = await open(query);
    await waitForEngine(page);
    expect(await page.inputValue('[data-testid="control-hidden"]')).toBe('2');
    expect(await page.inputValue('[data-testid="control-width"]')).toBe('8');
    expect(await page.inputValue('[data-testid="control-lr"]')).toBe('0.02');
    expect(await page.isChecked('[data-testid="control-estimator-hnca-baseline"]')).toBe(true);
    expect(await page.isChecked('[data-testid="control-estimator-hnca"]')).toBe(false);
    const params = new URL(page.url()).searchParams;
    expect(Object.fromEntries(params)).toEqual({ task: 'patterns', hidden: '2', width: '8', lr: '0.02', seeds: '2', seed: '7', est: 'hnca-baseline,reinforce' });

    await page.fill('[data-testid="control-lr"]', '0.005');
    await page.press('[data-testid="control-lr"]', 'Enter');
    await pollUntil(async () => new URL(page.url()).searchParams.get('lr'), (v) => v === '0.005', 5_000);
    const shared = page.url();
    const again = await browser.newPage();
    await again.goto(shared);
    await waitForEngine(again);
    expect(await again.inputValue('[data-testid="control-lr"]')).toBe('0.005');
    expect(await again.inputValue('[data-testid="control-width"]')).toBe('8');
    expect(await again.$('[data-testid="url-notice"]')).toBeNull();
    await again.close();
    await page.close();
  });

  it('malformed parameters fall back to defaults with a visible notice', async () => {
    const page = await open('?task=patterns&hidden=99&lr=banana&est=hnca,nonsense&width=12');
    await waitForEngine(page);
    const notice = (await page.textContent('[data-testid="url-notice"]')) ?? '';
    expect(notice).toContain('hidden="99"');
    expect(notice).toContain('lr="banana"');
    expect(notice).toContain('est="hnca,nonsense"');
    expect(await page.inputValue('[data-testid="control-hidden"]')).toBe('1');
    expect(await page.inputValue('[data-testid="control-lr"]')).toBe('0.01');
    expect(await page.inputValue('[data-testid="control-width"]')).toBe('12');
    await screenshot(page, '04-malformed-url-notice');
    await page.close();
  });

  it('a classroom link hides the chosen controls', async () => {
    const page = await open('?task=patterns&hide=lr,batch,task');
    await waitForEngine(page);
    expect(await page.$('[data-testid="control-lr"]')).toBeNull();
    expect(await page.$('[data-testid="control-batch"]')).toBeNull();
    expect(await page.$('[data-testid="control-width"]')).not.toBeNull();
    await page.close();
  });
});

describe('main thread while training', () => {
  it('has no long tasks (over 50 ms) while four runs train and the charts redraw', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: { start: number; duration: number }[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${served.url}${PATTERNS}&seeds=2&est=hnca,hnca-baseline,reinforce,reinforce-baseline&engine=cpu&epochs=200`);
    await waitForEngine(page);
    await page.waitForTimeout(1500);
    const start = await page.evaluate(() => performance.now());
    await page.click('[data-testid="play"]');
    await page.waitForTimeout(12_000);
    expect(await readNumber(page, 'status-updates')).toBeGreaterThan(50);
    const long = await page.evaluate((t0) => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter((e) => e.start >= t0), start);
    expect(long).toEqual([]);
    await page.close();
  });
});
