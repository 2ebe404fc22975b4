// Nothing lost in the playground (issue 15), in Debian's Chromium (WebGPU on SwiftShader):
// save model / load model round trip and refused files, the WebGPU device lost mid-run (the
// CPU engine takes over from the last saved state, or, for an engine that cannot export its
// state, restarts the runs with the same configuration), and a dead worker with its restart
// button. The last three use the test hooks of ?test-hooks=1 (main.tsx). Screenshots go to
// test-artifacts/.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { playgroundSession, pollUntil, readNumber, screenshot, waitForEngine } from './harness.ts';

const session = playgroundSession({ webgpu: true });

async function stepTo(page: Page, updates: number): Promise<void> {
  const now = await readNumber(page, 'status-updates');
  await page.fill('[data-testid="step-n-count"]', String(updates - now));
  await page.click('[data-testid="step-n"]');
  expect(await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === updates, 60_000)).toBe(updates);
  await pollUntil(() => page.textContent('[data-testid="status-state"]'), (s) => s === 'paused', 10_000);
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testId}"]`)]);
  return readFileSync((await file.path()) ?? '', 'utf8');
}

interface ExportedPoint {
  update: number;
}

async function exportedPoints(page: Page): Promise<ExportedPoint[]> {
  return (JSON.parse(await download(page, 'export-json')) as { points: ExportedPoint[] }).points;
}

/** Loads a file through the Load model input; returns the one-line message that answers it. */
async function upload(page: Page, name: string, text: string): Promise<string> {
  const read = (): Promise<string | null> => page.evaluate(() => document.querySelector('[data-testid="model-message"]')?.textContent ?? null);
  const before = await read();
  await page.setInputFiles('[data-testid="load-model-input"]', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
  return (await pollUntil(read, (t) => t !== before && t !== null && t.includes(name), 60_000)) ?? '';
}

describe('save model / load model', () => {
  it('a loaded model continues with exactly the numbers of an uninterrupted run; bad files are refused in one line and change nothing', async () => {
    const page = await session.open('?task=patterns&seeds=2');
    await waitForEngine(page);
    await stepTo(page, 64); // points every 6 updates: the window in progress is saved too
    const saved = await download(page, 'save-model');
    expect(await page.textContent('[data-testid="model-message"]')).toMatch(/^Saved hnca-model-.*\.json\.$/);
    const file = JSON.parse(saved) as { kind: string; version: number; update: number; config: { seeds: number }; training: { engine: { format: string; updatesDone: number } } };
    expect([file.kind, file.version, file.update, file.config.seeds]).toEqual(['hnca-playground-model', 1, 64, 2]);
    expect([file.training.engine.format, file.training.engine.updatesDone]).toEqual(['hnca-engine-state', 64]);
    await stepTo(page, 132);
    const uninterrupted = await exportedPoints(page);
    expect(uninterrupted.at(-1)?.update).toBe(132);

    // refused files: one line, and the run goes on untouched
    expect(await upload(page, 'notes.txt', 'hello')).toMatch(/^Load model: notes\.txt: not a playground model file \(not JSON: .*\); nothing was changed\.$/);
    expect(await upload(page, 'other.json', JSON.stringify({ kind: 'hnca-playground-model', version: 7 }))).toBe('Load model: other.json: model file version 7; this playground reads version 1; nothing was changed.');
    const damaged = JSON.parse(saved) as { training: { engine: { runs: { seed: number }[] } } };
    damaged.training.engine.runs[1].seed = 99;
    expect(await upload(page, 'damaged.json', JSON.stringify(damaged))).toMatch(/^Load model: damaged\.json: run 1 was \w+ seed 99, this run has \w+ seed \d; nothing was changed\.$/);
    expect(await readNumber(page, 'status-updates')).toBe(132);
    expect(await exportedPoints(page)).toEqual(uninterrupted);

    // a different configuration on the page: the file's applies
    await page.goto(`${session.url}?task=patterns&hidden=2`);
    await waitForEngine(page);
    expect(await upload(page, 'model.json', saved)).toBe('Loaded model.json (update 64); training continues from it.');
    expect(await readNumber(page, 'status-updates')).toBe(64);
    expect(page.url()).toContain('seeds=2');
    expect(page.url()).not.toContain('hidden=2');
    await page.waitForTimeout(1600); // one chart redraw
    await screenshot(page, '20-model-loaded');
    await stepTo(page, 132);
    expect(await exportedPoints(page)).toEqual(uninterrupted);
    await page.close();
  });
});

describe('losing the WebGPU device mid-run', () => {
  it('continues on the CPU engine from the last saved state and says so in the header', async () => {
    const page = await session.open('?task=patterns&engine=webgpu&test-hooks=1');
    expect(await waitForEngine(page)).toMatch(/^WebGPU engine — /);
    await page.click('[data-testid="play"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u >= 100, 60_000);
    await page.click('[data-testid="pause"]'); // a pause keeps a checkpoint
    await page.click('[data-testid="play"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u >= 150, 60_000);
    await page.evaluate(() => window.hncaTestHook?.('destroyDevice'));
    const notice = await page.waitForSelector('[data-testid="engine-notice"]', { timeout: 30_000 });
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/^WebGPU device lost at update \d+; continuing on the CPU engine from update \d+ \(the last saved state\)$/);
    const [lostAt, from] = [...text.matchAll(/update (\d+)/g)].map((m) => Number(m[1]));
    expect(from).toBeGreaterThanOrEqual(100);
    expect(from).toBeLessThanOrEqual(lostAt);
    expect(await page.getAttribute('[data-testid="engine-status"]', 'data-backend')).toBe('cpu');
    expect(await page.textContent('[data-testid="engine-status"]')).toMatch(/^CPU engine — the WebGPU device was lost \(destroyed: /);
    // training goes on past the point of loss
    expect(await pollUntil(() => readNumber(page, 'status-updates'), (u) => u > lostAt + 100, 60_000)).toBeGreaterThan(lostAt + 100);
    expect(await page.textContent('[data-testid="status-state"]')).toBe('training');
    await page.click('[data-testid="pause"]');
    await screenshot(page, '21-device-lost');
    await page.close();
  });
});

describe('losing the WebGPU device of an engine that cannot export its state', () => {
  it('restarts the runs on the CPU engine with the same configuration and says that the progress was lost', async () => {
    const page = await session.open('?task=patterns&hidden=2&seeds=2&engine=webgpu&test-hooks=1');
    expect(await waitForEngine(page)).toMatch(/^WebGPU engine — /);
    await page.evaluate(() => window.hncaTestHook?.('statelessEngine'));
    const header = await pollUntil(() => page.textContent('[data-testid="engine-status"]'), (t) => t?.includes('state export hidden by a test hook') ?? false, 60_000);
    expect(header).toMatch(/^WebGPU engine — .* \(state export hidden by a test hook\)$/);
    // such an engine has no state to save: one line, nothing else changes
    await page.click('[data-testid="save-model"]');
    const refused = await pollUntil(() => page.evaluate(() => document.querySelector('[data-testid="model-message"]')?.textContent ?? ''), (t) => t.length > 0, 30_000);
    expect(refused).toMatch(/^Save model: the .*\(state export hidden by a test hook\) cannot export its state/);
    expect(refused).not.toContain('\n');

    await page.click('[data-testid="play"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u >= 60, 60_000);
    await page.click('[data-testid="pause"]'); // a pause keeps a checkpoint only for an engine that can export one
    await page.click('[data-testid="play"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u >= 90, 60_000);
    await page.evaluate(() => window.hncaTestHook?.('destroyDevice'));
    const notice = await page.waitForSelector('[data-testid="engine-notice"]', { timeout: 30_000 });
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/^WebGPU device lost at update \d+; no saved state could be restored, so the runs restarted on the CPU engine with the same configuration \(the progress was lost\)$/);
    const lostAt = Number(/update (\d+)/.exec(text)?.[1]);
    expect(lostAt).toBeGreaterThanOrEqual(90);
    expect(await page.getAttribute('[data-testid="engine-status"]', 'data-backend')).toBe('cpu');
    expect(await page.textContent('[data-testid="engine-status"]')).toMatch(/^CPU engine — the WebGPU device was lost \(destroyed: /);
    expect(page.url()).toContain('hidden=2');
    expect(page.url()).toContain('seeds=2');
    // the restarted runs train on (it was playing) from update 0: the charts start again there
    expect(await pollUntil(() => readNumber(page, 'status-updates'), (u) => u >= 20, 60_000)).toBeGreaterThanOrEqual(20);
    expect(await page.textContent('[data-testid="status-state"]')).toBe('training');
    await page.click('[data-testid="pause"]');
    await pollUntil(() => page.textContent('[data-testid="status-state"]'), (s) => s === 'paused', 10_000);
    const updates = await readNumber(page, 'status-updates');
    const points = await exportedPoints(page);
    expect(points.length).toBeGreaterThan(0);
    expect(points[0].update).toBeLessThanOrEqual(20);
    expect(points.every((p, i) => p.update <= updates && (i === 0 || p.update > points[i - 1].update))).toBe(true);
    // the CPU engine that took over can export its state again
    expect(await download(page, 'save-model')).toContain('"hnca-engine-state"');
    await screenshot(page, '23-device-lost-stateless');
    await page.close();
  });
});

describe('a dead training worker', () => {
  it('is named in one line, and the restart button starts again with the same configuration', async () => {
    const page = await session.open('?task=patterns&hidden=2&test-hooks=1');
    await waitForEngine(page);
    await stepTo(page, 20);
    await page.evaluate(() => window.hncaTestHook?.('crash'));
    const banner = await page.waitForSelector('[data-testid="worker-dead"]', { timeout: 20_000 });
    expect(await page.textContent('[data-testid="worker-dead-message"]')).toBe('The training worker stopped (Error: test hook: the training worker crashed); the charts keep what it reported.');
    expect(await banner.isVisible()).toBe(true);
    await screenshot(page, '22-worker-dead');
    await page.click('[data-testid="restart-worker"]');
    await waitForEngine(page);
    expect(await page.$('[data-testid="worker-dead"]')).toBeNull();
    expect(page.url()).toContain('hidden=2');
    expect(await readNumber(page, 'status-updates')).toBe(0);
    await stepTo(page, 5);
    await page.close();
  });
});
