// The conv bandit's tiny in-memory dataset (docs/math.md §7.2 tests): 8×8 images of random
// intensities (TestRandom 21), 3 classes in turn, 12 test images.
import type { Dataset } from '../../src/data/dataset.ts';
import { TestRandom } from './random.ts';

/** 8×8 images with random intensities, 3 classes; `train` training images (40: 5 updates of 8 per epoch) and 12 test images. */
export function tinyConvDataset(train = 40): Dataset {
  const random = new TestRandom(21);
  const rows = 8;
  const cols = 8;
  const set = (count: number) => ({
    count,
    images: Uint8Array.from({ length: count * rows * cols }, () => random.int(256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
  });
  return { rows, cols, pixels: rows * cols, classes: 3, train: set(train), test: set(12) };
}
