// Resume on the WebGPU VAE program: 3 updates, exportState, a fresh engine importing it, 3 more
// updates give bit for bit the parameters and counters of 6 updates straight (every estimator,
// so baselines, Adam moments and the data position all travel through the state).
import { describe, expect, it } from 'vitest';
import { gpuVaeEngine, syntheticVaeData, tinyVaeConfig } from './helpers/gpuVae.ts';

describe('WebGPU VAE resume', () => {
  it('3 + export/import + 3 updates = 6 updates, bit for bit', async () => {
    const data = syntheticVaeData(7, 20, 4);
    const config = tinyVaeConfig({ layers: 2, batch: 4 });
    const straight = await gpuVaeEngine(config, data);
    const first = await gpuVaeEngine(config, data);
    const resumed = await gpuVaeEngine(config, data);
    try {
      await straight.step(6);
      await first.step(3);
      await resumed.importState(JSON.parse(JSON.stringify(await first.exportState(), (_k, v: unknown) => (v instanceof Float32Array ? Array.from(v) : v)), (_k, v: unknown) => v), 'the state of 3 updates');
      await resumed.step(3);
      expect(resumed.updatesDone).toBe(6);
      const [a, b] = [await straight.program.readAllParameters(), await resumed.program.readAllParameters()];
      a.forEach((p, r) => expect(Array.from(b[r]), `run ${r}`).toEqual(Array.from(p)));
      const [ca, cb] = [await straight.readCounters(), await resumed.readCounters()];
      cb.forEach((c, r) => {
        expect(c.updates).toBe(6);
        expect(Math.abs(c.scoreSum - ca[r].scoreSum)).toBeLessThanOrEqual(1e-6 * Math.abs(ca[r].scoreSum));
      });
    } finally {
      straight.dispose();
      first.dispose();
      resumed.dispose();
    }
  }, 300_000);
});
