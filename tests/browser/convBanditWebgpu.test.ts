// The nonlinear bandit of appendix E (docs/math.md §7.2) in the playground with engine=webgpu: the
// worker runs the WebGPU conv bandit engine (the trunk on TensorFlow.js's WebGPU back end on the
// engine's device, src/backends/webgpu/convBandit), here on Chromium's SwiftShader. The playground's
// trunk is the paper's (2 convolutions × 16 channels), so a small batch and a few updates only.
import { describe, expect, it } from 'vitest';
import { playgroundSession, pollUntil, readNumber, waitForEngine } from './harness.ts';

const session = playgroundSession({ webgpu: true });

describe('the conv bandit task in the playground on WebGPU', () => {
  it('with engine=webgpu trains on the WebGPU conv bandit engine: updates, counters and the trunk\'s layers', async () => {
    const page = await session.open('?task=conv&engine=webgpu&width=8&batch=4&test=8');
    expect(await waitForEngine(page, 180_000)).toMatch(/^WebGPU engine — .*trunk on the TensorFlow\.js WebGPU back end/i);
    expect(await page.getAttribute('[data-testid="engine-status"]', 'data-backend')).toBe('webgpu');
    await page.fill('[data-testid="step-n-count"]', '2');
    await page.click('[data-testid="step-n"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 2, 300_000);
    expect(await readNumber(page, 'status-updates')).toBe(2);
    expect(await page.textContent('[data-testid="layer-0"]')).toBe('convolution 1');
    expect(await page.textContent('[data-testid="layer-3"]')).toBe('output layer');
    expect(session.errors).toEqual([]);
    await page.close();
  });
});
