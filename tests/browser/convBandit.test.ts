// The nonlinear bandit of appendix E (docs/math.md §7.2) in the playground: the task trains on the
// CPU engine with its trunk on TensorFlow.js's WebAssembly back end, whose code and binaries
// are fetched only when the task is chosen (a separate chunk): the MNIST bandit never loads them.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { playgroundSession, pollUntil, readNumber, screenshot, waitForEngine } from './harness.ts';

const session = playgroundSession({ webgpu: false });

/** The URLs a page requests while `work` runs. */
async function requestsDuring(page: Page, work: () => Promise<void>): Promise<string[]> {
  const urls: string[] = [];
  const record = (request: { url: () => string }): void => void urls.push(request.url());
  page.on('request', record);
  await work();
  page.off('request', record);
  return urls;
}

describe('the conv bandit task in the playground', () => {
  it('trains HNCA and REINFORCE on the TensorFlow.js WebAssembly trunk, loaded only for this task', async () => {
    const mnist = await session.newPage();
    const mnistUrls = await requestsDuring(mnist, async () => {
      await mnist.goto(`${session.url}/?task=mnist&width=8&test=20`);
      await waitForEngine(mnist);
      await mnist.fill('[data-testid="step-n-count"]', '3');
      await mnist.click('[data-testid="step-n"]');
      await pollUntil(() => readNumber(mnist, 'status-updates'), (u) => u === 3, 60_000);
    });
    await mnist.close();
    // the MNIST bandit never fetches the trunk's chunk or its WebAssembly binaries
    expect(mnistUrls.some((u) => u.includes('tfjsTrunk'))).toBe(false);
    expect(mnistUrls.some((u) => /\.wasm($|\?)/.test(u))).toBe(false);

    const page = await session.newPage();
    const urls = await requestsDuring(page, async () => {
      await page.goto(`${session.url}/?task=conv&width=16&test=20`);
      const engine = await waitForEngine(page, 120_000);
      expect(engine).toBe('CPU engine — the nonlinear bandit (appendix E) takes its WebGPU engine only with engine=webgpu in the URL: its trunk runs on TensorFlow.js');
      expect(await page.$('[data-testid="control-hidden"]')).toBeNull();
      await page.fill('[data-testid="step-n-count"]', '3');
      await page.click('[data-testid="step-n"]');
      await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 3, 120_000);
    });
    expect(await readNumber(page, 'status-updates')).toBe(3);
    // the per-layer variance chart names the trunk's layers
    expect(await page.textContent('[data-testid="layer-0"]')).toBe('convolution 1');
    expect(await page.textContent('[data-testid="layer-2"]')).toBe('linear layer to the logits');
    expect(await page.textContent('[data-testid="layer-3"]')).toBe('output layer');
    expect(urls.some((u) => u.includes('tfjsTrunk'))).toBe(true);
    expect(urls.some((u) => /tfjs-backend-wasm.*\.wasm($|\?)/.test(u))).toBe(true);
    await screenshot(page, 'conv-bandit');
    expect(session.errors).toEqual([]);
    await page.close();
  });
});
