// The WebGPU VAE program in the tests: a tiny synthetic dataset, a tiny configuration, and the
// engine on the test device (helpers/gpuTest.ts).
import type { Dataset } from '../../src/data/dataset.ts';
import { createGpuVaeEngine, type GpuVaeEngine } from '../../src/backends/webgpu/index.ts';
import { PAPER_OPTIMIZER, VAE_ESTIMATORS, type VaeConfig } from '../../src/engine/types.ts';
import { hash32 } from '../../src/rng/counterRng.ts';
import { SHADERS, testDevice } from './gpuTest.ts';
import { mutatedShaders } from './scriptedDraws.ts';

/** Intensities 0, 30, 128, 255 at random: some pixels always on, some never, some random. */
export function syntheticVaeData(pixels: number, trainCount: number, testCount: number): Dataset {
  const image = (count: number, salt: number) => {
    const images = new Uint8Array(count * pixels);
    for (let k = 0; k < images.length; k++) images[k] = [0, 255, 128, 30][hash32(k * 7 + salt) & 3];
    return { count, images, labels: new Uint8Array(count) };
  };
  return { rows: 1, cols: pixels, pixels, classes: 10, train: image(trainCount, 99), test: image(testCount, 5) };
}

export function tinyVaeConfig(change: Partial<VaeConfig>): VaeConfig {
  return { task: 'vae', layers: 2, width: 3, estimators: [...VAE_ESTIMATORS], seeds: [1, 2], batch: 5, testK: 4, ...PAPER_OPTIMIZER, ...change };
}

/** The VAE program on the test device; `shaders` replaces the real sources (a mutation control's). */
export async function gpuVaeEngine(config: VaeConfig, data: Dataset, shaders = SHADERS): Promise<GpuVaeEngine> {
  const device = await testDevice();
  return createGpuVaeEngine({ config, data }, { device, shaders });
}

/**
 * A mutation control's deliberate bias: every VAE estimator's per-logit learning signal of encoder
 * layer `layer` (1..L) ×`factor` (f-HNCA, REINFORCE and REINFORCE leave-one-out, DisARM).
 */
export function biasEncoderSignal(shaders: Record<string, string>, layer = 1, factor = 1.1): Record<string, string> {
  const bias = `select(1.0, ${factor.toFixed(6)}, vl.l == ${layer}u) * `;
  const lines: [string, string][] = [
    ['vae_fhnca_signal.wgsl', 'signals[at] = p * q * s;'],
    ['vae_pair_signal.wgsl', 'signals[at] = -p * q * ut + pair;'],
    ['vae_score_function_signal.wgsl', 'signals[at] = -p * q * ut + (samples[at] - p) * (downstream - baseline);'],
  ];
  return lines.reduce((s, [file, line]) => mutatedShaders(s, file, line, `signals[at] = ${bias}(${line.slice('signals[at] = '.length, -1)});`), shaders);
}

