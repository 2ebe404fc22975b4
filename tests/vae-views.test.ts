// The playground's VAE views (src/models/vae/views.ts): digits sampled from the generative model
// against an exact enumeration of a tiny decoder, reconstructions against the inspection trace,
// and the CPU engine's evaluate progress (which must not change the bound).
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { CpuVaeEngine } from '../src/backends/cpu/cpuVaeEngine.ts';
import { hasVaeViews, PAPER_OPTIMIZER, type VaeConfig } from '../src/engine/types.ts';
import type { VaeParams } from '../src/models/vae/params.ts';
import { traceVaeExample } from '../src/models/vae/trace.ts';
import { reconstructDigits, samplePriorDigits } from '../src/models/vae/views.ts';
import { hash32 } from '../src/rng/counterRng.ts';
import { tinyModel } from './vaeTiny.ts';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** P(x_m = t | input) of decoder m for one unit i, written out from the storage layout (input-major). */
function decoderProbability(params: VaeParams, m: number, input: readonly number[], i: number): number {
  const n = params.sizes[m];
  let z = params.decB[m][i];
  if (m < params.shape.layers) input.forEach((v, j) => (z += v * params.decW[m][j * n + i]));
  return sigmoid(z);
}

function bits(value: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (value >> i) & 1);
}

/** Exact P(φ_1) of the generative model and E[P(x = 1 | φ_1)] per pixel, by enumerating φ_1..φ_L. */
function exactPrior(params: VaeParams): { codeProbability: Map<string, number>; meanPixels: number[] } {
  const L = params.shape.layers;
  const w = params.shape.width;
  const codeProbability = new Map<string, number>();
  const meanPixels = new Array<number>(params.sizes[0]).fill(0);
  const visit = (m: number, above: number[], prob: number): void => {
    for (let v = 0; v < 2 ** w; v++) {
      const phi = bits(v, w);
      let p = prob;
      for (let i = 0; i < w; i++) {
        const on = decoderProbability(params, m, above, i);
        p *= phi[i] === 1 ? on : 1 - on;
      }
      if (m > 1) visit(m - 1, phi, p);
      else {
        codeProbability.set(phi.join(''), (codeProbability.get(phi.join('')) ?? 0) + p);
        for (let d = 0; d < meanPixels.length; d++) meanPixels[d] += p * decoderProbability(params, 0, phi, d);
      }
    }
  };
  visit(L, [], 1);
  return { codeProbability, meanPixels };
}

describe('digits sampled from the VAE prior', () => {
  for (const layers of [1, 2]) {
    it(`match the exact distribution of φ_1 and the mean pixel probabilities (${layers} layer${layers > 1 ? 's' : ''})`, () => {
      const params = tinyModel({ pixels: 3, layers, width: 2 }, 11 + layers, 2);
      const exact = exactPrior(params);
      const n = 10000;
      const samples = samplePriorDigits(params, n, 5);
      const counts = new Map<string, number>();
      const mean = [0, 0, 0];
      for (const s of samples) {
        expect(s.code).toHaveLength(layers);
        const key = Array.from(s.code[0]).join('');
        counts.set(key, (counts.get(key) ?? 0) + 1);
        s.pixelProbabilities.forEach((p, d) => (mean[d] += p / n));
      }
      for (const [code, p] of exact.codeProbability) {
        const sd = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs((counts.get(code) ?? 0) / n - p)).toBeLessThan(4.5 * sd + 1e-9);
      }
      // each sample's pixel probabilities are p_0's given its own code
      for (const s of samples.slice(0, 20)) {
        const phi = Array.from(s.code[0]);
        s.pixelProbabilities.forEach((p, d) => expect(p).toBeCloseTo(decoderProbability(params, 0, phi, d), 6));
      }
      exact.meanPixels.forEach((p, d) => expect(Math.abs(mean[d] - p)).toBeLessThan(4.5 * (0.5 / Math.sqrt(n)))); // a probability's sd is at most 1/2
    });
  }

  it('are reproducible from the seed and differ between seeds', () => {
    const params = tinyModel({ pixels: 4, layers: 2, width: 3 }, 3, 2);
    const a = samplePriorDigits(params, 30, 1);
    expect(samplePriorDigits(params, 30, 1)).toEqual(a);
    expect(samplePriorDigits(params, 30, 2).map((s) => s.code[1].join(''))).not.toEqual(a.map((s) => s.code[1].join('')));
    expect(() => samplePriorDigits(params, -1, 1)).toThrow(/non-negative integer/);
  });
});

describe('reconstructions', () => {
  it('are the inspection trace of each image (same code, same decoder probabilities)', () => {
    const params = tinyModel({ pixels: 5, layers: 2, width: 3 }, 9, 2);
    const image = Uint8Array.from([1, 0, 1, 1, 0]);
    const [digit] = reconstructDigits(params, [image], 77);
    const trace = traceVaeExample(params, image, 77);
    expect(digit.code.map((c) => Array.from(c))).toEqual(trace.samples.map((c) => Array.from(c)));
    expect(Array.from(digit.pixelProbabilities)).toEqual(Array.from(trace.actionProbabilities));
    expect(() => reconstructDigits(params, [Uint8Array.from([1, 0])], 1)).toThrow(/expected 5 pixels/);
  });
});

function syntheticData(pixels: number, trainCount: number, testCount: number): Dataset {
  const images = (n: number, salt: number): Uint8Array => Uint8Array.from({ length: n * pixels }, (_, k) => [0, 255, 128, 30][hash32(k + salt) & 3]);
  return {
    rows: 1,
    cols: pixels,
    pixels,
    classes: 10,
    train: { count: trainCount, images: images(trainCount, 99), labels: new Uint8Array(trainCount) },
    test: { count: testCount, images: images(testCount, 7), labels: new Uint8Array(testCount) },
  };
}

describe('CpuVaeEngine views and evaluate progress', () => {
  const config: VaeConfig = { task: 'vae', layers: 2, width: 4, estimators: ['fhnca-baseline', 'reinforce'], seeds: [1], batch: 5, testK: 3, ...PAPER_OPTIMIZER };
  const data = syntheticData(6, 40, 120);

  it('reports progress up to test images × runs and returns the bound it returns without', async () => {
    // progress comes every 10 000 samples: at K = 250 that is every 40 images
    const sliced: VaeConfig = { ...config, testK: 250 };
    const plain = new CpuVaeEngine(sliced, data);
    const watched = new CpuVaeEngine(sliced, data);
    await plain.step(3);
    await watched.step(3);
    const progress: [number, number][] = [];
    const withProgress = await watched.evaluate({ onProgress: (done, total) => void progress.push([done, total]) });
    expect(withProgress).toEqual(await plain.evaluate());
    expect(progress.at(-1)).toEqual([240, 240]);
    expect(progress.length).toBe(6); // 120 images in slices of 40 (10 000 samples at K = 250) for each of 2 runs
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThan(progress[i - 1][0]);
  });

  it('computes the views of a run, and changes them as the run trains', async () => {
    const engine = new CpuVaeEngine(config, data);
    expect(hasVaeViews(engine)).toBe(true);
    const images = [Uint8Array.from([1, 1, 0, 0, 1, 0]), Uint8Array.from([0, 0, 1, 1, 0, 1])];
    const before = await engine.viewVae(1, images, 4, 12345);
    expect(before.reconstructions).toHaveLength(2);
    expect(before.samples).toHaveLength(4);
    expect(before.samples[0].pixelProbabilities).toHaveLength(6);
    expect(before.reconstructions[0].code.map((c) => c.length)).toEqual([4, 4]);
    await engine.step(20);
    const after = await engine.viewVae(1, images, 4, 12345);
    expect(Array.from(after.samples[0].pixelProbabilities)).not.toEqual(Array.from(before.samples[0].pixelProbabilities));
    await expect(engine.viewVae(5, images, 1, 1)).rejects.toThrow(/no run 5/);
    await expect(engine.viewVae(0, [Uint8Array.from([1])], 1, 1)).rejects.toThrow(/images of 6 pixels/);
  });
});
