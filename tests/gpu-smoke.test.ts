import { describe, expect, it } from 'vitest';
import { gpuEngine, randomDataset, smallConfig } from './helpers/gpuTest.ts';

describe('WebGPU engine smoke', () => {
  it('steps, reads counters and evaluates', async () => {
    const engine = await gpuEngine(smallConfig(), randomDataset(20, 4, 64, 40));
    await engine.step(5);
    const counters = await engine.readCounters();
    expect(counters[0].updates).toBe(5);
    const ev = await engine.evaluate();
    expect(ev.length).toBe(2);
    engine.dispose();
  });
});
