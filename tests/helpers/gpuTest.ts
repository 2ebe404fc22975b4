// WebGPU in the tests: Dawn (the `webgpu` package) on whatever adapter the machine has
// (SwiftShader on machines without a GPU). No adapter is a test FAILURE with the reason, except
// where `npm test`'s set-up already found there is no driver: then a visible skip (a failure under CI).
import type { Dataset, ImageSet } from '../../src/data/dataset.ts';
import type { GpuBanditEngine, GpuProgramOptions as GpuBanditOptions } from '../../src/backends/webgpu/index.ts';
import { createGpuBanditEngine, type WebGpuEngineOptions } from '../../src/backends/webgpu/index.ts';
import type { CheckpointableEngine } from '../../src/engine/state.ts';
import type { BanditConfig } from '../../src/engine/types.ts';
import type { BanditParameters } from '../../src/models/bandit/parameters.ts';
import { loadShaderSources } from '../../src/node/shaderSources.ts';
import { nodeGpu, prepareVulkanEnvironment } from '../../src/node/webgpuNode.ts';
import { hash32 } from '../../src/rng/counterRng.ts';
import { skipWithoutNodeWebgpu } from './nodeWebgpuMissing.ts';

let devicePromise: Promise<GPUDevice> | undefined;

/** One device per test file; throws (fails the test) with the reason when there is no adapter. */
export function testDevice(): Promise<GPUDevice> {
  skipWithoutNodeWebgpu();
  devicePromise ??= (async () => {
    const notes = prepareVulkanEnvironment();
    const gpu = await nodeGpu();
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new Error(
        `no WebGPU adapter from Dawn (requestAdapter() returned null; VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}; ${notes.join(', ') || 'no environment changes'}). ` +
          'Run the tests with npm test (its set-up finds Chromium and its SwiftShader driver) or on a machine with a GPU.',
      );
    }
    const limits: Record<string, number> = {};
    for (const name of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage'] as const) limits[name] = adapter.limits[name];
    return adapter.requestDevice({ label: 'test device', requiredLimits: limits });
  })();
  return devicePromise;
}

export const SHADERS = loadShaderSources();

/** Deterministic pseudo-random images (intensities with many zeros, like MNIST) and labels. */
export function randomImageSet(count: number, pixels: number, classes: number, salt: number): ImageSet {
  const images = new Uint8Array(count * pixels);
  for (let e = 0; e < images.length; e++) {
    const h = hash32(e * 2654435761 + salt);
    images[e] = h % 3 === 0 ? 0 : h % 5 === 0 ? 255 : (h >>> 8) & 255;
  }
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) labels[n] = hash32(n + salt * 7) % classes;
  return { count, images, labels };
}

export function randomDataset(pixels: number, classes: number, train: number, test: number): Dataset {
  return { rows: 1, cols: pixels, pixels, classes, train: randomImageSet(train, pixels, classes, 1), test: randomImageSet(test, pixels, classes, 2) };
}

/**
 * `count` copies of one image whose pixels are exactly `x` (0/1: intensity 255 is always on, 0
 * never, whatever the binarization draws), each labelled `label`, as train and test set.
 */
export function constantDataset(x: readonly number[], label: number, classes: number, count: number): Dataset {
  const images = new Uint8Array(count * x.length);
  for (let i = 0; i < count; i++) x.forEach((v, j) => (images[i * x.length + j] = v ? 255 : 0));
  const set = { count, images, labels: new Uint8Array(count).fill(label) };
  return { rows: 1, cols: x.length, pixels: x.length, classes, train: set, test: set };
}

/**
 * Sets every run's parameters to `params(run index)` (the CPU engine's tensors [W_0, b_0, …]) and,
 * when given, its moving-average baseline to `baseline`, through the engine's own state
 * (exportState → importState), so CPU and WebGPU engines get the same values the same way.
 */
export async function loadRunParameters(engine: CheckpointableEngine, params: (run: number) => BanditParameters, baseline?: number): Promise<void> {
  const state = await engine.exportState();
  for (const run of state.runs) {
    const source = params(run.index);
    run.tensors.forEach((t, k) => t.value.set(source.tensors[k].value));
    if (baseline !== undefined) run.baselines = [baseline];
  }
  await engine.importState(state, 'test parameters');
}

export function smallConfig(change: Partial<BanditConfig> = {}): BanditConfig {
  return {
    task: 'bandit',
    hidden: 2,
    width: 12,
    hiddenValues: 'pm1',
    estimators: ['hnca', 'reinforce'],
    seeds: [3],
    batch: 8,
    optimizer: 'adam',
    lr: 1e-2,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    ...change,
  };
}

/** The bandit engine on the test device; `options.shaders` replaces the real sources (a mutation control's). */
export async function gpuEngine(config: BanditConfig, data: Dataset, tile?: number, options: GpuBanditOptions & Partial<WebGpuEngineOptions> = {}): Promise<GpuBanditEngine> {
  const device = await testDevice();
  return createGpuBanditEngine({ config, data }, { device, shaders: SHADERS, tile, ...options });
}

/** A device of its own (default limits unless raised), for tests that destroy it or test limits. */
export async function freshDevice(requiredLimits: Record<string, number> = {}): Promise<GPUDevice> {
  await testDevice();
  const gpu = await nodeGpu();
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter (see testDevice)');
  return adapter.requestDevice({ label: 'fresh test device', requiredLimits });
}
