// The training worker's data: MNIST fetched once from the site (relative to its folder, so the
// built site works from any sub-path), or the tiny 4×4 patterns; test sets limited per
// configuration; test images as the engines' 0/1 input.
import { limitSet, type Dataset } from '../data/dataset.ts';
import { MNIST_ASSET_PATH, loadMnistAsset } from '../data/mnistAsset.ts';
import type { PlaygroundConfig } from '../playground/config.ts';
import { createPatternsDataset } from './patternsDataset.ts';

/** MNIST, loaded once per worker (a failed load is retried by the next request). */
export class MnistSource {
  private loading: Promise<Dataset> | null = null;
  /** the site's folder (from the page's configure request): data files are fetched relative to it */
  assetBase: string | null = null;

  /**
   * The full dataset of a configuration's task.
   * @param onProgress bytes loaded of total while MNIST downloads
   * @throws what loadMnistAsset throws (a failed, truncated or corrupt download), once per try
   */
  load(config: PlaygroundConfig, baseUrl: string, onProgress: (loaded: number, total: number) => void): Promise<Dataset> {
    if (config.task === 'patterns') return Promise.resolve(createPatternsDataset());
    if (!this.loading) {
      const url = new URL(MNIST_ASSET_PATH, this.assetBase ?? baseUrl).href;
      const loading = loadMnistAsset(url, onProgress);
      loading.catch(() => {
        if (this.loading === loading) this.loading = null;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  /** The dataset of a configuration: its test set limited to config.testImages. */
  async datasetOf(config: PlaygroundConfig, baseUrl: string, onProgress: (loaded: number, total: number) => void): Promise<Dataset> {
    const full = await this.load(config, baseUrl, onProgress);
    return { ...full, test: limitSet(full.test, full.pixels, config.testImages) };
  }
}

/** The 0/1 input of test image `index` (pixel on when its intensity is at least 128) and its intensities [pixels]. */
export function testImage(data: Dataset, index: number): { image: Uint8Array; input: Uint8Array } {
  const { pixels, test } = data;
  const image = test.images.slice(index * pixels, (index + 1) * pixels);
  return { image, input: image.map((v) => (v >= 128 ? 1 : 0)) };
}
