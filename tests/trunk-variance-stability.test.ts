// Issue 26: the conv bandit's trunk gradient variance (docs/math.md §4, §7.2) computed stably, on the
// CPU engine's trunk (tfjs, WebAssembly back end) and the WebGPU engine's (tfjs-backend-webgpu on
// our device). The trunk used the raw-moment form Σ_b ‖g_b‖²/B − ‖ḡ‖², which cancels for gradients
// of a large mean and a small spread; now the convolutions' per-example gradients are shifted by
// their batch mean and the linear layer's by example 0's (src/trunk/trunkVariance.ts).
//
// Large mean, small spread: one image for every example and signals s_b = M·u + δ·n_b (float32),
// so every per-example gradient is g_b = J s_b for one linear map J and g_b − g_0 = J (s_b − s_0),
// where s_b − s_0 is exact in float32 and of the spread's size. The reference is the float64
// two-pass variance of those differences (each from a pass of its own with the small signal), the
// raw-moment form is shown to fail on the very same per-example gradients, and batch 1 gives 0.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvBanditParameters } from '../src/models/convBandit/parameters.ts';
import { useTrunkBackend } from '../src/trunk/backend.ts';
import { tfjsTrunk } from '../src/trunk/tfjsTrunk.ts';
import { useTrunkWebGpuBackend, WebGpuTrunk } from '../src/trunk/webgpuTrunk.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';
import { IMAGE, problems, tinyParameters, type Problem } from './helpers/convBanditExact.ts';
import { testDevice } from './helpers/gpuTest.ts';
import { TestRandom } from './helpers/random.ts';

const BATCH = 12;
const MEAN = 100;
const SPREAD = 1e-2;

/** Trunk layer of each trunk tensor: the convolutions' filters and biases, then the linear layer's. */
const layerOf = (k: number): number => k >> 1;

/** One image repeated `batch` times. */
function images(batch: number): Float32Array {
  const pixels = new Float32Array(batch * IMAGE.length);
  for (let b = 0; b < batch; b++) pixels.set(IMAGE, b * IMAGE.length);
  return pixels;
}

/** Per-example gradients, g[b][k] of trunk tensor k, from a pass of one example each (tfjs on the active back end). */
function perExampleGradients(problem: Problem, params: ConvBanditParameters, signals: Float64Array[]): Float64Array[][] {
  const trunk = tfjsTrunk(problem.shape)(params.trunkTensors);
  return signals.map((s) => {
    const pass = trunk.forward(IMAGE, 1);
    pass.backward(s);
    pass.dispose();
    return params.trunkTensors.map((t) => Float64Array.from(t.grad));
  });
}

/** Σ over each trunk layer's parameters of the float64 two-pass batch variance of `g` [b][k][e]. */
function twoPass(g: Float64Array[][], layers: number): Float64Array {
  const out = new Float64Array(layers);
  g[0].forEach((tensor, k) => {
    for (let e = 0; e < tensor.length; e++) {
      let mean = 0;
      for (const example of g) mean += example[k][e] / g.length;
      let sum = 0;
      for (const example of g) sum += (example[k][e] - mean) ** 2;
      out[layerOf(k)] += sum / g.length;
    }
  });
  return out;
}

/** The raw-moment form the trunk used, in float32 tfjs ops on the same per-example gradients: Σ_b ‖g_b‖²/B − ‖ḡ‖² per layer. */
function rawMoments(g: Float64Array[][], layers: number): Float64Array {
  const out = new Float64Array(layers);
  g[0].forEach((tensor, k) => {
    const stacked = tf.tensor2d(g.flatMap((example) => Array.from(example[k])), [g.length, tensor.length]);
    const raw = tf.tidy(() => tf.sub(tf.div(tf.sum(tf.square(stacked)), g.length), tf.sum(tf.square(tf.mean(stacked, 0)))));
    out[layerOf(k)] += raw.dataSync()[0];
    raw.dispose();
    stacked.dispose();
  });
  return out;
}

interface Case {
  problem: Problem;
  params: ConvBanditParameters;
  /** s_b [width] as float32 values, the large mean included */
  signals: Float64Array[];
  reference: Float64Array;
  raw: Float64Array;
}

/** Signals of a large mean and a small spread, the reference variance and the raw-moment form's value (on the active tfjs back end). */
function largeMeanCase(problem: Problem, seed: number): Case {
  const { width } = problem.shape;
  const params = tinyParameters(problem.shape, seed);
  const random = new TestRandom(seed);
  const direction = random.floats(width, 0.5, 1);
  const signals = Array.from({ length: BATCH }, () => Float64Array.from({ length: width }, (_, i) => Math.fround(MEAN * direction[i] + SPREAD * random.range(-1, 1))));
  // s_b − s_0: exact in float32 (two float32 values within a factor 2 of each other)
  const differences = signals.map((s) => s.map((v, i) => v - signals[0][i]));
  differences.forEach((d) => d.forEach((v) => expect(Math.fround(v)).toBe(v)));
  const layers = problem.shape.convLayers + 1;
  const reference = twoPass(perExampleGradients(problem, params, differences), layers);
  const raw = rawMoments(perExampleGradients(problem, params, signals), layers);
  return { problem, params, signals, reference, raw };
}

/** The trunk layers' variance from the CPU trunk's batched backward pass. */
function cpuVariance(c: Case, batch = BATCH): Float64Array {
  const pass = tfjsTrunk(c.problem.shape)(c.params.trunkTensors).forward(images(batch), batch);
  const flat = new Float64Array(batch * c.problem.shape.width);
  c.signals.slice(0, batch).forEach((s, b) => flat.set(s, b * s.length));
  const variance = pass.backward(flat);
  pass.dispose();
  return variance;
}

function expectStable(got: ArrayLike<number>, c: Case, tolerance: number, what: string): void {
  for (let l = 0; l < c.reference.length; l++) {
    const ref = c.reference[l];
    expect(ref, `${what} layer ${l}: the reference is not trivially 0`).toBeGreaterThan(0);
    expect(Math.abs(got[l] - ref) / ref, `${what} layer ${l}: ${got[l]} vs ${ref}`).toBeLessThan(tolerance);
    // the old form on the same per-example gradients: off by far more (or negative)
    expect(Math.abs(c.raw[l] - ref) / ref, `${what} layer ${l}: raw moments ${c.raw[l]} vs ${ref}`).toBeGreaterThan(0.5);
  }
}

describe.each(problems)('conv bandit trunk, $shape.convLayers convolution(s): variance of gradients with a large mean and a small spread', (problem) => {
  it('CPU trunk (tfjs WebAssembly, float32): within 1 % of the float64 two-pass reference, where the raw-moment form is off by more than 50 %; batch 1 gives 0', async () => {
    await useTrunkBackend('wasm');
    const c = largeMeanCase(problem, 11 + problem.shape.convLayers);
    expectStable(cpuVariance(c), c, 0.01, 'cpu');
    expect(Array.from(cpuVariance(c, 1))).toEqual(new Array(problem.shape.convLayers + 1).fill(0));
  });

  it('WebGPU trunk (tfjs-backend-webgpu on our device, float32): the same', { timeout: 120_000 }, async () => {
    await useTrunkBackend('wasm');
    const c = largeMeanCase(problem, 11 + problem.shape.convLayers);
    const device = await testDevice();
    await useTrunkWebGpuBackend(device, await nodeGpu());
    const { shape } = problem;
    const trunk = new WebGpuTrunk(shape, device);
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const upload = (values: Float32Array): GPUBuffer => {
      const buffer = device.createBuffer({ size: Math.max(16, values.byteLength), usage });
      device.queue.writeBuffer(buffer, 0, values);
      return buffer;
    };
    const buffers: GPUBuffer[] = [];
    const run = async (batch: number): Promise<Float32Array> => {
      const tensors = c.params.trunkTensors.map((t) => upload(t.value));
      const pixels = upload(images(batch));
      const logits = upload(new Float32Array(batch * shape.width));
      const signal = upload(Float32Array.from(c.signals.slice(0, batch).flatMap((s) => Array.from(s))));
      const grads = c.params.trunkTensors.map((t) => upload(new Float32Array(t.size)));
      const variance = upload(new Float32Array(shape.convLayers + 1).fill(Number.NaN));
      buffers.push(...tensors, pixels, logits, signal, ...grads, variance);
      const pass = trunk.forward(pixels, batch, tensors, { buffer: logits, offset: 0 });
      pass.backward(signal, grads.map((buffer) => ({ buffer, offset: 0 })), { buffer: variance, offset: 0 });
      pass.dispose();
      const staging = device.createBuffer({ size: variance.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      buffers.push(staging);
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(variance, 0, staging, 0, variance.size);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(staging.getMappedRange().slice(0, 4 * (shape.convLayers + 1)));
      staging.unmap();
      return out;
    };
    expectStable(await run(BATCH), c, 0.01, 'webgpu');
    expect(Array.from(await run(1))).toEqual(new Array(shape.convLayers + 1).fill(0));
    for (const b of buffers) b.destroy();
  });
});

afterAll(async () => {
  await useTrunkBackend('wasm');
});
