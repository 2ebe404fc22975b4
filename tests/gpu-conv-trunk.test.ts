// The conv bandit's trunk on tfjs-backend-webgpu registered on our device (src/trunk/webgpuTrunk.ts)
// against the CPU engine's trunk (src/trunk/tfjsTrunk.ts on tfjs's CPU back end): the same
// logits, batch-mean gradients and per-layer variance sums within float32 tolerance, with
// every input in our GPUBuffers (wrapped without a copy) and every result copied into our
// buffers on the GPU. Outputs are poisoned (NaN) first, so a result not written fails.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { kernelSpec } from '../src/backends/webgpu/kernels/catalog.ts';
import { bindKernel, createKernel, uniformView } from '../src/backends/webgpu/runtime/pipelines.ts';
import { checkGrid, foldedGrid } from '../src/backends/webgpu/runtime/limits.ts';
import { normalizeSources } from '../src/backends/webgpu/runtime/shaderModules.ts';
import { makeStructuredView } from '../src/backends/webgpu/runtime/webgpuUtils.ts';
import { forwardKeys } from '../src/models/bandit/forward.ts';
import { ConvBanditRun } from '../src/models/convBandit/convBanditRun.ts';
import { initConvBanditParameters, type ConvBanditShape } from '../src/models/convBandit/parameters.ts';
import { Stream } from '../src/rng/streams.ts';
import { useTrunkBackend } from '../src/trunk/backend.ts';
import { tfjsTrunk } from '../src/trunk/tfjsTrunk.ts';
import { useTrunkWebGpuBackend, WebGpuTrunk } from '../src/trunk/webgpuTrunk.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';
import { SHADERS, testDevice } from './helpers/gpuTest.ts';
import { TestRandom } from './helpers/random.ts';

const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

function upload(device: GPUDevice, values: Float32Array, extraBytes = 0): GPUBuffer {
  const buffer = device.createBuffer({ size: values.byteLength + extraBytes, usage: USAGE() });
  device.queue.writeBuffer(buffer, 0, values);
  return buffer;
}

function poisoned(device: GPUDevice, floats: number): GPUBuffer {
  return upload(device, new Float32Array(floats).fill(Number.NaN));
}

async function download(device: GPUDevice, buffer: GPUBuffer): Promise<Float32Array> {
  const staging = device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

/** max |a − b| / max(max |b|, tiny): the error relative to the reference's scale. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-30;
  let error = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) error = Math.max(error, Number.isFinite(a[i]) ? Math.abs(a[i] - b[i]) : Number.POSITIVE_INFINITY);
  return error / scale;
}

function shapeOf(convLayers: number): ConvBanditShape {
  return { rows: 7, cols: 6, convLayers, channels: 3, width: 5, actions: 3, hiddenValues: 'pm1' };
}

describe('conv bandit trunk on tfjs-backend-webgpu, on our device and buffers', () => {
  it.each([1, 2])('%i convolution(s): logits, gradients and per-layer variance sums equal the CPU trunk within float32 tolerance', async (convLayers) => {
    const shape = shapeOf(convLayers);
    const batch = 4;
    const random = new TestRandom(40 + convLayers);
    const params = initConvBanditParameters(shape, 7);
    // biases away from 0 so that their paths are exercised
    for (let k = 1; k < 2 * convLayers + 2; k += 2) params.tensors[k].value.set(random.floats(params.tensors[k].size, -0.3, 0.3));
    const trunkTensors = params.trunkTensors;
    const pixels = Float32Array.from({ length: batch * shape.rows * shape.cols }, () => random.bit(0.4));
    const signal = random.floats(batch * shape.width, -1, 1);

    await useTrunkBackend('cpu');
    const cpuPass = tfjsTrunk(shape)(trunkTensors).forward(pixels, batch);
    const cpuLogits = Float32Array.from(cpuPass.logits);
    const cpuVariance = cpuPass.backward(Float64Array.from(signal));
    const cpuGrads = trunkTensors.map((t) => Float64Array.from(t.grad));
    cpuPass.dispose();

    const device = await testDevice();
    expect((await useTrunkWebGpuBackend(device, await nodeGpu())).why).toContain('WebGPU');
    expect(tf.getBackend()).toBe('webgpu');
    const trunk = new WebGpuTrunk(shape, device);
    // inputs larger than the tensors (as engine buffers with capacity), a logit slot at an offset
    const pixelBuffer = upload(device, pixels, 64);
    const tensorBuffers = trunkTensors.map((t) => upload(device, t.value));
    const logitOffset = 16;
    const logitBuffer = poisoned(device, batch * shape.width + logitOffset / 4);
    const signalBuffer = upload(device, signal);
    const gradBuffers = trunkTensors.map((t) => poisoned(device, t.size));
    const varianceBuffer = poisoned(device, convLayers + 2);
    const tensorsBefore = tf.memory().numTensors;
    const pass = trunk.forward(pixelBuffer, batch, tensorBuffers, { buffer: logitBuffer, offset: logitOffset });
    pass.backward(signalBuffer, gradBuffers.map((buffer) => ({ buffer, offset: 0 })), { buffer: varianceBuffer, offset: 0 });
    expect(tf.memory().numTensors).toBeGreaterThan(tensorsBefore);
    pass.dispose();
    // the pass and the copies leave no tensor behind
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    const logits = await download(device, logitBuffer);
    expect(Number.isNaN(logits[0]) && Number.isNaN(logits[3])).toBe(true);
    expect(relativeError(logits.subarray(logitOffset / 4), cpuLogits)).toBeLessThan(1e-5);
    for (let k = 0; k < trunkTensors.length; k++) {
      const grad = await download(device, gradBuffers[k]);
      expect(relativeError(grad, cpuGrads[k]), `gradient of tensor ${k}`).toBeLessThan(1e-5);
      expect(cpuGrads[k].some((g) => g !== 0), `tensor ${k} has a non-zero gradient`).toBe(true);
    }
    const variance = await download(device, varianceBuffer);
    expect(relativeError(variance.subarray(0, convLayers + 1), cpuVariance)).toBeLessThan(1e-5);
    expect(Math.min(...cpuVariance)).toBeGreaterThan(0);
    expect(Number.isNaN(variance[convLayers + 1])).toBe(true);
    // our buffers outlive the pass's tensors, unchanged
    expect(await download(device, pixelBuffer)).toEqual(Float32Array.from([...pixels, ...new Float32Array(16)]));
    expect(Array.from(await download(device, tensorBuffers[0]))).toEqual(Array.from(trunkTensors[0].value));
    for (const b of [pixelBuffer, logitBuffer, signalBuffer, varianceBuffer, ...tensorBuffers, ...gradBuffers]) b.destroy();
  });

  it('refuses, in one line, buffers too small, without the usage a zero-copy tensor needs, or slots out of range', async () => {
    const shape = shapeOf(1);
    const device = await testDevice();
    await useTrunkWebGpuBackend(device, await nodeGpu());
    const trunk = new WebGpuTrunk(shape, device);
    const params = initConvBanditParameters(shape, 1).trunkTensors;
    const tensors = params.map((t) => upload(device, t.value));
    const pixels = upload(device, new Float32Array(2 * shape.rows * shape.cols));
    const logits = poisoned(device, 2 * shape.width);
    expect(() => trunk.forward(pixels, 3, tensors, { buffer: logits, offset: 0 })).toThrow(/pixel buffer holds 336 bytes, the trunk reads 504/);
    expect(() => trunk.forward(pixels, 2, tensors.slice(1), { buffer: logits, offset: 0 })).toThrow(/takes 4 tensors, got 3/);
    expect(() => trunk.forward(pixels, 2, tensors, { buffer: logits, offset: 4 })).toThrow(/logit buffer holds 40 bytes, the trunk writes 40 from byte 4/);
    expect(() => trunk.forward(pixels, 2, tensors, { buffer: logits, offset: 2 })).toThrow(/not a non-negative multiple of 4/);
    const uniform = device.createBuffer({ size: pixels.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    expect(() => trunk.forward(uniform, 2, tensors, { buffer: logits, offset: 0 })).toThrow(/needs usage STORAGE \| COPY_SRC/);
    const readOnly = device.createBuffer({ size: logits.size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    expect(() => trunk.forward(pixels, 2, tensors, { buffer: readOnly, offset: 0 })).toThrow(/needs usage COPY_DST/);
    const pass = trunk.forward(pixels, 2, tensors, { buffer: logits, offset: 0 });
    const grads = params.map((t) => ({ buffer: poisoned(device, t.size), offset: 0 }));
    const variance = { buffer: poisoned(device, 2), offset: 0 };
    expect(() => pass.backward(upload(device, new Float32Array(shape.width)), grads, variance)).toThrow(/signal buffer holds 20 bytes, the trunk reads 40/);
    expect(() => pass.backward(upload(device, new Float32Array(2 * shape.width)), grads.slice(1), variance)).toThrow(/needs 4 gradient slots, got 3/);
    pass.dispose();
    expect(() => pass.backward(upload(device, new Float32Array(2 * shape.width)), grads, variance)).toThrow(/disposed/);
    expect(() => new WebGpuTrunk({ ...shape, convLayers: 0 }, device)).toThrow(/at least one convolution/);
  });

  it('the Bernoulli layer on the trunk\'s logits: bernoulli_sample reads the buffer the trunk wrote and draws the CPU run\'s probabilities and samples (same RNG streams)', async () => {
    const shape = shapeOf(2);
    const batch = 6;
    const seed = 5;
    const t = 3;
    const random = new TestRandom(77);
    const pixels = Float32Array.from({ length: batch * shape.rows * shape.cols }, () => random.bit(0.5));
    const params = initConvBanditParameters(shape, seed);
    // a larger linear layer than Glorot's, so that probabilities spread over (0, 1)
    for (const t of params.trunkTensors) for (let i = 0; i < t.size; i++) t.value[i] *= 4;

    await useTrunkBackend('cpu');
    const run = new ConvBanditRun(params, 'hnca', batch, tfjsTrunk(shape));
    run.estimateForward(pixels, batch, forwardKeys(seed, t, Stream.hiddenBase, Stream.action, 1));
    const cpuProbs = run.scratch.prob[0].slice(0, batch * shape.width);
    const cpuSamples = run.scratch.sample[0].slice(0, batch * shape.width);
    run.dispose();

    const device = await testDevice();
    await useTrunkWebGpuBackend(device, await nodeGpu());
    const trunk = new WebGpuTrunk(shape, device);
    const kernel = createKernel(device, normalizeSources(SHADERS), kernelSpec('bernoulli_sample', { tile: 16, depth: 64 }));
    const layer = uniformView(kernel, 'layer');
    layer.set({ layer: 0, outWidth: shape.width, capacity: batch });
    const step = uniformView(kernel, 'step');
    step.set({ batch, keyStep: t, hiddenStream: Stream.hiddenBase, exampleOffset: 0 });
    const uniform = (view: ArrayBuffer): GPUBuffer => {
      const b = device.createBuffer({ size: view.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(b, 0, view);
      return b;
    };
    const runState = new ArrayBuffer(kernel.defs.structs.RunState.size);
    makeStructuredView(kernel.defs.structs.RunState, runState).set({ seed, finite: 1 });
    const runs = device.createBuffer({ size: runState.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(runs, 0, runState);
    const logits = poisoned(device, batch * shape.width);
    const probs = poisoned(device, batch * shape.width);
    const samples = poisoned(device, batch * shape.width);
    const pixelBuffer = upload(device, pixels);
    const tensorBuffers = params.trunkTensors.map((p) => upload(device, p.value));
    // our writes are submitted before the library's reads; its logits copy is submitted before our dispatch
    trunk.forward(pixelBuffer, batch, tensorBuffers, { buffer: logits, offset: 0 }).dispose();
    const grid = foldedGrid(device, Math.ceil((batch * shape.width) / 64), 1);
    checkGrid(device, grid, 'kernel bernoulli_sample (conv bandit test)');
    const uniforms = [uniform(layer.arrayBuffer), uniform(step.arrayBuffer)];
    const group = bindKernel(device, kernel, 'bernoulli_sample on trunk logits', { layer: uniforms[0], step: uniforms[1], runs, logits, probs, samples });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, group, [0]);
    pass.dispatchWorkgroups(...grid);
    pass.end();
    device.queue.submit([encoder.finish()]);

    const gpuProbs = await download(device, probs);
    expect(relativeError(gpuProbs, cpuProbs)).toBeLessThan(1e-5);
    const gpuSamples = await download(device, samples);
    expect(Array.from(gpuSamples)).toEqual(Array.from(cpuSamples));
    // both values drawn, and probabilities away from the clip
    expect(new Set(cpuSamples).size).toBe(2);
    expect(cpuProbs.some((p) => p > 0.05 && p < 0.95)).toBe(true);
    for (const b of [runs, logits, probs, samples, pixelBuffer, ...tensorBuffers, ...uniforms]) b.destroy();
  });
});
