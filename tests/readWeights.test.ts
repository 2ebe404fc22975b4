// TrainingEngine.readWeights returns unit-major matrices (rows = units, cols = inputs,
// data[unit * cols + input]) on every engine. Checked against the engines' own forward pass
// with as many inputs as units, where a transposed matrix has the same shape: a hidden unit's
// logit is W[u]·x + b[u], so logit p(e_j) − logit p(0) = W[u][j] for the one-hot input e_j.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { CpuVaeEngine } from '../src/backends/cpu/cpuVaeEngine.ts';
import { PAPER_OPTIMIZER, type TrainingEngine, type WeightMatrix } from '../src/engine/types.ts';
import { unitMajor } from '../src/engine/weights.ts';
import { gpuEngine, randomDataset, smallConfig } from './helpers/gpuTest.ts';

const N = 5; // inputs = units = N
const data: Dataset = randomDataset(N, 3, 64, 8);
const logit = (p: number): number => Math.log(p) - Math.log1p(-p);

/** The first layer's weights as the forward pass sees them, [units, inputs], from engine.inspect. */
async function weightsSeenByForwardPass(engine: TrainingEngine, run: number): Promise<number[][]> {
  const zero = (await engine.inspect(run, new Uint8Array(N), 1)).probabilities[0];
  const columns: Float32Array[] = [];
  for (let j = 0; j < N; j++) {
    const x = new Uint8Array(N);
    x[j] = 1;
    columns.push((await engine.inspect(run, x, 1)).probabilities[0]);
  }
  return Array.from({ length: N }, (_, u) => columns.map((p, j) => logit(p[u]) - logit(zero[u])));
}

async function expectUnitMajor(engine: TrainingEngine): Promise<void> {
  await engine.step(3); // trained weights and biases, not the initialisation
  const w: WeightMatrix = await engine.readWeights(0, 0);
  expect([w.rows, w.cols]).toEqual([N, N]);
  const seen = await weightsSeenByForwardPass(engine, 0);
  let asymmetry = 0;
  for (let u = 0; u < N; u++) {
    for (let j = 0; j < N; j++) {
      expect(w.data[u * w.cols + j]).toBeCloseTo(seen[u][j], 3);
      asymmetry = Math.max(asymmetry, Math.abs(w.data[u * N + j] - w.data[j * N + u]));
    }
  }
  expect(asymmetry).toBeGreaterThan(0.05); // a transposed matrix would fail the comparison above
  engine.dispose();
}

describe('readWeights is unit-major (rows = units, data[unit * cols + input])', () => {
  it('unitMajor transposes an input-major matrix and checks its length', () => {
    // 2 inputs × 3 units, input-major: [in0: u0 u1 u2, in1: u0 u1 u2]
    expect(unitMajor([1, 2, 3, 4, 5, 6], 2, 3)).toEqual({ rows: 3, cols: 2, data: Float32Array.from([1, 4, 2, 5, 3, 6]) });
    expect(() => unitMajor([1, 2, 3], 2, 3)).toThrow(RangeError);
  });

  it('CPU bandit engine', async () => {
    await expectUnitMajor(new CpuBanditEngine(smallConfig({ hidden: 1, width: N, lr: 0.3 }), data));
  });

  it('CPU VAE engine (encoder q_1)', async () => {
    const config = { task: 'vae' as const, layers: 2, width: N, estimators: ['fhnca' as const], seeds: [2], batch: 8, testK: 2, ...PAPER_OPTIMIZER, lr: 0.3 };
    await expectUnitMajor(new CpuVaeEngine(config, data));
  });

  it('WebGPU bandit engine', async () => {
    await expectUnitMajor(await gpuEngine(smallConfig({ hidden: 1, width: N, lr: 0.3 }), data));
  });
});
