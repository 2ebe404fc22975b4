// The tiny synthetic task for classrooms: 4×4 binary patterns of 4 classes (a horizontal bar,
// a vertical bar, a diagonal, a frame), each pixel flipped with probability 0.1. It is an
// ordinary Dataset, so both engines run it unchanged, and it learns in seconds.
import type { Dataset, ImageSet } from '../data/dataset.ts';
import { streamKey, uniform } from '../rng/counterRng.ts';
import { PATTERNS_TEST_IMAGES } from '../playground/config.ts';

export const PATTERN_SIZE = 4;
const PIXELS = PATTERN_SIZE * PATTERN_SIZE;
export const PATTERN_FLIP_PROBABILITY = 0.1;

/** The class prototypes, one string of 16 '0'/'1' per class (row-major). */
export const PATTERN_PROTOTYPES: readonly string[] = [
  '0000' + '1111' + '1111' + '0000', // horizontal bar
  '0110' + '0110' + '0110' + '0110', // vertical bar
  '1000' + '0100' + '0010' + '0001', // diagonal
  '1111' + '1001' + '1001' + '1111', // frame
];

function generateSet(count: number, seed: number): ImageSet {
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  const key = streamKey(seed, 0, 0x7a11);
  for (let n = 0; n < count; n++) {
    const label = n % PATTERN_PROTOTYPES.length;
    labels[n] = label;
    const prototype = PATTERN_PROTOTYPES[label];
    for (let p = 0; p < PIXELS; p++) {
      const on = prototype[p] === '1';
      const flip = uniform(key, n * PIXELS + p) < PATTERN_FLIP_PROBABILITY;
      images[n * PIXELS + p] = on !== flip ? 255 : 0;
    }
  }
  return { count, images, labels };
}

export function createPatternsDataset(trainCount = 2000, testCount = PATTERNS_TEST_IMAGES): Dataset {
  return {
    rows: PATTERN_SIZE,
    cols: PATTERN_SIZE,
    pixels: PIXELS,
    classes: PATTERN_PROTOTYPES.length,
    train: generateSet(trainCount, 1),
    test: generateSet(testCount, 2),
  };
}
