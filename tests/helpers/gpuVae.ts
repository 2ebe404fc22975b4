// The WebGPU VAE program in the tests: a tiny synthetic dataset, a tiny configuration, and the
// engine on the test device (helpers/gpuTest.ts).
import type { Dataset } from '../../src/data/dataset.ts';
import { createWebGpuEngine } from '../../src/engine/gpu/index.ts';
import type { GpuVaeEngine } from '../../src/engine/gpu/vae/engine.ts';
import { PAPER_OPTIMIZER, VAE_ESTIMATORS, type VaeConfig } from '../../src/engine/types.ts';
import { hash32 } from '../../src/rng/counterRng.ts';
import { SHADERS, testDevice } from './gpuTest.ts';

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

export async function gpuVaeEngine(config: VaeConfig, data: Dataset): Promise<GpuVaeEngine> {
  const device = await testDevice();
  return (await createWebGpuEngine({ config, data }, { device, shaders: SHADERS })) as GpuVaeEngine;
}

