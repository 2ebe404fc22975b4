// Without WebGPU (Chromium launched without --enable-unsafe-webgpu) or with engine=cpu in the
// URL, the CPU engine takes over and the header says why.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HANG_MS, playgroundSession, pollUntil, readNumber, screenshot, waitForEngine } from './harness.ts';

const session = playgroundSession({ webgpu: false });
const open = (query: string): Promise<Page> => session.open(query);

describe('CPU engine fallback', () => {
  it('takes over when WebGPU is unavailable, says why, and trains', { timeout: HANG_MS + 60_000 }, async () => {
    const page = await open('?task=patterns');
    const header = await waitForEngine(page);
    expect(header).toMatch(/^CPU engine — WebGPU unavailable: .*(navigator\.gpu is missing|no WebGPU adapter|requestAdapter)/);
    await page.click('[data-testid="play"]');
    // a state reached (above chance), not a rate: HANG_MS only stops a hung page
    const accuracy = await pollUntil(() => readNumber(page, 'latest-test-hnca'), (a) => a > 0.5, HANG_MS);
    expect(accuracy).toBeGreaterThan(0.5);
    await screenshot(page, '06-cpu-fallback');
    expect(session.errors).toEqual([]);
    await page.close();
  });

  it('engine=cpu in the URL forces the CPU engine', async () => {
    const page = await open('?task=patterns&engine=cpu');
    const header = await waitForEngine(page);
    expect(header).toBe('CPU engine — requested by engine=cpu in the URL');
    await page.close();
  });
});
