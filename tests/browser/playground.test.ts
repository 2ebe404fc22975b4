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
