// Issue 26: the gradient-variance metric (docs/math.md §4) computed stably on every engine. With
// --batch 1 it came out negative (E[g²] − E[g]² cancelling to −3.5e-21) and was reported as a log
// of noise. Here: gradients of a large mean and a small spread against a float64 two-pass
// reference, on the CPU engine's accumulator (float64) and on the WGSL kernel (float32); the
// raw-moment form is shown to fail on the same numbers (so the test can fail); batch 1 gives 0.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hnca } from './helpers/cliInProcess.ts';
import { ShiftedGradientVariance } from '../src/engine/gradientVariance.ts';
import { runKernel } from './helpers/kernelHarness.ts';
import { B, CAP, f32, layerParams, OFFSETS, PER_RUN, R, runStates, SIZES } from './helpers/kernelFixtures.ts';
import { TestRandom } from './helpers/random.ts';

/** Per-example inputs x [batch, inputs] and signals s [batch, width] → gradients and the float64 two-pass reference. */
function reference(x: number[][], s: number[][]): { gradW: Float64Array; gradB: Float64Array; variance: number; raw: number } {
  const batch = x.length;
  const inputs = x[0].length;
  const width = s[0].length;
  const gradW = new Float64Array(inputs * width);
  const gradB = new Float64Array(width);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < width; i++) {
      gradB[i] += s[b][i] / batch;
      for (let j = 0; j < inputs; j++) gradW[j * width + i] += (x[b][j] * s[b][i]) / batch;
    }
  }
  // two passes: the mean first, then the squared deviations
  let variance = 0;
  for (let i = 0; i < width; i++) {
    for (let j = 0; j <= inputs; j++) {
      const mean = j < inputs ? gradW[j * width + i] : gradB[i];
      let sum = 0;
      for (let b = 0; b < batch; b++) {
        const d = (j < inputs ? x[b][j] : 1) * s[b][i] - mean;
        sum += d * d;
      }
      variance += sum / batch;
    }
  }
  // the raw-moment form the engines used: (1/B) Σ_b ‖x̃_b‖²‖s_b‖² − ‖ḡ‖²
  let second = 0;
  for (let b = 0; b < batch; b++) second += (x[b].reduce((a, v) => a + v * v, 1) * s[b].reduce((a, v) => a + v * v, 0)) / batch;
  const raw = second - gradW.reduce((a, v) => a + v * v, 0) - gradB.reduce((a, v) => a + v * v, 0);
  return { gradW, gradB, variance, raw };
}

/** A minibatch whose gradients have mean ≈ `mean` and spread ≈ `spread`: the same inputs, signals mean + spread·noise (as float32 values when a kernel reads them). */
function minibatch(rnd: TestRandom, batch: number, inputs: number, width: number, mean: number, spread: number, values: 'pm1' | '01', float32 = false): { x: number[][]; s: number[][] } {
  const row = Array.from({ length: inputs }, () => (values === 'pm1' ? (rnd.bit(0.5) ? 1 : -1) : rnd.bit(0.4)));
  const x = Array.from({ length: batch }, () => [...row]);
  const s = Array.from({ length: batch }, () => Array.from({ length: width }, () => (float32 ? Math.fround : Number)(mean + spread * rnd.range(-1, 1))));
  return { x, s };
}

describe('gradient variance by shifted sums (CPU, float64)', () => {
  it('large mean, small spread: within 1e-6 of the two-pass reference where the raw-moment form is off by far more or negative', () => {
    const rnd = new TestRandom(26);
    for (const values of ['pm1', '01'] as const) {
      const { x, s } = minibatch(rnd, 16, 20, 7, 1e4, 1e-4, values);
      const ref = reference(x, s);
      const v = new ShiftedGradientVariance(20, 7);
      v.first((j) => x[0][j], s[0]);
      x.forEach((row, b) => v.add((j) => row[j], s[b]));
      const got = v.finish(ref.gradW, ref.gradB);
      expect(ref.variance).toBeGreaterThan(0);
      expect(Math.abs(got - ref.variance) / ref.variance, `${values}: ${got} vs ${ref.variance}`).toBeLessThan(1e-6);
      // the old form on the same numbers: wrong by orders of magnitude (or negative)
      expect(Math.abs(ref.raw - ref.variance) / ref.variance).toBeGreaterThan(1e-2);
      // binary inputs through the sparse path: the same
      if (values === '01') {
        const on = x.map((row) => row.flatMap((value, j) => (value === 1 ? [j] : [])));
        const sparse = new ShiftedGradientVariance(20, 7);
        sparse.first((j) => x[0][j], s[0]);
        on.forEach((list, b) => sparse.addBinary(list, 0, list.length, s[b]));
        expect(Math.abs(sparse.finish(ref.gradW, ref.gradB) - ref.variance) / ref.variance).toBeLessThan(1e-6);
      }
    }
  });

  it('varied inputs and signals (the ordinary case): equal to the two-pass reference', () => {
    const rnd = new TestRandom(27);
    const x = Array.from({ length: 9 }, () => Array.from({ length: 11 }, () => rnd.bit(0.3)));
    const s = Array.from({ length: 9 }, () => Array.from({ length: 5 }, () => rnd.range(-2, 2)));
    const ref = reference(x, s);
    const v = new ShiftedGradientVariance(11, 5);
    v.first((j) => x[0][j], s[0]);
    x.forEach((row, b) => v.add((j) => row[j], s[b]));
    expect(Math.abs(v.finish(ref.gradW, ref.gradB) - ref.variance) / ref.variance).toBeLessThan(1e-12);
  });

  it('batch of one: exactly 0, never rounding noise', () => {
    const v = new ShiftedGradientVariance(3, 2);
    const x = [1, 0, 1];
    const s = [0.1 + 0.2, 1 / 3];
    v.first((j) => x[j], s);
    v.add((j) => x[j], s);
    const gradW = Float64Array.from([s[0], s[1], 0, 0, s[0], s[1]]);
    expect(v.finish(gradW, Float64Array.from(s))).toBe(0);
  });
});

describe('gradient_variance.wgsl by shifted sums (WebGPU, float32)', () => {
  it('large mean, small spread: within 2 % of the float64 two-pass reference (the raw-moment form is off by far more); batch 1 gives 0', async () => {
    const rnd = new TestRandom(28);
    const k = 1; // a hidden layer: SIZES[1] ±1 inputs → SIZES[2] units
    const [inputs, width] = [SIZES[k], SIZES[k + 1]];
    for (const batch of [B, 1]) {
      const data = Array.from({ length: R }, () => minibatch(rnd, batch, inputs, width, 100, 1e-2, 'pm1', true));
      const refs = data.map(({ x, s }) => reference(x, s));
      const packed = (rows: (d: (typeof data)[number]) => number[][], w: number): Float32Array => {
        const out = new Float32Array(R * CAP * w);
        data.forEach((d, r) => rows(d).forEach((row, b) => row.forEach((v, e) => (out[(r * CAP + b) * w + e] = v))));
        return out;
      };
      // the kernel reads 0/1 samples and centers them (2φ − 1)
      const samples = packed((d) => d.x.map((row) => row.map((v) => (v + 1) / 2)), inputs);
      const grads = new Float32Array(R * PER_RUN);
      refs.forEach((ref, r) => {
        grads.set(ref.gradW, r * PER_RUN + OFFSETS[k]);
        grads.set(ref.gradB, r * PER_RUN + OFFSETS[k] + inputs * width);
      });
      const out = await runKernel({
        kernel: 'gradient_variance',
        layer: layerParams(k, true),
        step: { batch },
        runs: runStates,
        inputs: { inputs: samples, signals: packed((d) => d.s, width), grads },
        outputs: { variance: R * 3 },
        grid: [1, 1, R],
      });
      const got = f32(out.variance);
      refs.forEach((ref, r) => {
        const value = got[r * 3 + k];
        if (batch === 1) {
          expect(value).toBe(0);
          return;
        }
        expect(value).toBeGreaterThan(0);
        expect(Math.abs(value - ref.variance) / ref.variance, `run ${r}: ${value} vs ${ref.variance}`).toBeLessThan(0.02);
        // float32 raw moments on these numbers: hopeless (the old kernel's form)
        const second = ref.raw + ref.gradW.reduce((a, v) => a + v * v, 0) + ref.gradB.reduce((a, v) => a + v * v, 0);
        const rawF32 = Math.fround(second) - Math.fround(ref.gradW.reduce((a, v) => a + Math.fround(v) ** 2, 0) + ref.gradB.reduce((a, v) => a + Math.fround(v) ** 2, 0));
        expect(Math.abs(rawF32 - ref.variance) / ref.variance).toBeGreaterThan(0.5);
      });
    }
  });
});

describe('hnca train --batch 1: the variance is said to be undefined, not reported as a log of noise', () => {
  for (const engine of ['cpu', 'webgpu']) {
    it(engine, { timeout: 180_000 }, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'hnca-batch1-'));
      try {
        const file = path.join(dir, 'b1.json');
        const { status, stdout, stderr } = await hnca(['train', '--estimator', 'hnca,reinforce', '--train-limit', '12', '--test-limit', '4', '--width', '4', '--batch', '1', '--epochs', '1', '--engine', engine, '--out', file]);
        expect(status, stderr).toBe(0);
        expect(stdout).toContain('log var — (variance undefined for batch 1)');
        const runs = JSON.parse(readFileSync(file, 'utf8')).runs as { epochs: Record<string, unknown>[] }[];
        for (const run of runs) {
          expect(run.epochs[0]).toMatchObject({ meanGradVariance: 'NaN', logMeanGradVariance: 'NaN', gradVarianceNote: 'variance undefined for batch 1', finite: true });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
