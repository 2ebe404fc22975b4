// IDX file parsing (the MNIST format) with validation. Pure: bytes in, typed sets out,
// so the browser (fetch) and Node (fs) edges share it. Every error names the file.
import type { Dataset, ImageSet } from './dataset.ts';

export const IDX_IMAGES_MAGIC = 2051; // 0x00000803: unsigned bytes, 3 dimensions
export const IDX_LABELS_MAGIC = 2049; // 0x00000801: unsigned bytes, 1 dimension

export class IdxError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'IdxError';
  }
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols intensities */
  data: Uint8Array;
}

function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

function checkLength(file: string, bytes: Uint8Array, expected: number, what: string): void {
  if (bytes.length < expected) {
    throw new IdxError(file, `truncated: ${what} need ${expected} bytes but the file has ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new IdxError(file, `${bytes.length - expected} unexpected bytes after the data (${what} need exactly ${expected})`);
  }
}

/** True when the bytes start with the gzip signature 1f 8b (RFC 1952). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function checkMagic(file: string, bytes: Uint8Array, headerBytes: number, expected: number, kind: string): void {
  if (isGzip(bytes)) {
    throw new IdxError(file, `is gzip-compressed (starts with 1f 8b), not a raw IDX ${kind} file: decompress it with gunzip`);
  }
  if (bytes.length < headerBytes) {
    throw new IdxError(file, `truncated: ${bytes.length} bytes, shorter than the ${headerBytes}-byte IDX ${kind} header`);
  }
  const magic = readU32(bytes, 0);
  if (magic !== expected) {
    throw new IdxError(
      file,
      `bad magic number ${magic} (0x${magic.toString(16).padStart(8, '0')}); an IDX ${kind} file starts with ${expected}`,
    );
  }
}

/** Parses an idx3-ubyte image file. */
export function parseIdxImages(file: string, bytes: Uint8Array): IdxImages {
  checkMagic(file, bytes, 16, IDX_IMAGES_MAGIC, 'images');
  const count = readU32(bytes, 4);
  const rows = readU32(bytes, 8);
  const cols = readU32(bytes, 12);
  if (count === 0) throw new IdxError(file, 'the header says it holds 0 images');
  if (rows === 0 || cols === 0 || rows > 4096 || cols > 4096) {
    throw new IdxError(file, `implausible image size ${rows}×${cols} in the header`);
  }
  checkLength(file, bytes, 16 + count * rows * cols, `${count} images of ${rows}×${cols}`);
  return { count, rows, cols, data: bytes.subarray(16) };
}

/** Parses an idx1-ubyte label file; every label must be below `classes`. */
export function parseIdxLabels(file: string, bytes: Uint8Array, classes = 10): Uint8Array {
  checkMagic(file, bytes, 8, IDX_LABELS_MAGIC, 'labels');
  const count = readU32(bytes, 4);
  if (count === 0) throw new IdxError(file, 'the header says it holds 0 labels');
  checkLength(file, bytes, 8 + count, `${count} labels`);
  const labels = bytes.subarray(8);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= classes) {
      throw new IdxError(file, `label ${labels[i]} of item ${i} is not a class 0..${classes - 1}`);
    }
  }
  return labels;
}

export interface IdxFile {
  /** name shown in error messages (usually the path) */
  name: string;
  bytes: Uint8Array;
}

export interface IdxDatasetFiles {
  trainImages: IdxFile;
  trainLabels: IdxFile;
  testImages: IdxFile;
  testLabels: IdxFile;
}

function imageSet(images: IdxFile, labels: IdxFile, classes: number): { set: ImageSet; rows: number; cols: number } {
  const img = parseIdxImages(images.name, images.bytes);
  const lab = parseIdxLabels(labels.name, labels.bytes, classes);
  if (lab.length !== img.count) {
    throw new IdxError(
      labels.name,
      `count mismatch: ${lab.length} labels but ${images.name} holds ${img.count} images`,
    );
  }
  return { set: { count: img.count, images: img.data, labels: lab }, rows: img.rows, cols: img.cols };
}

/** Builds a validated Dataset from the four IDX files (train and test must share an image size). */
export function parseIdxDataset(files: IdxDatasetFiles, classes = 10): Dataset {
  const train = imageSet(files.trainImages, files.trainLabels, classes);
  const test = imageSet(files.testImages, files.testLabels, classes);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new IdxError(
      files.testImages.name,
      `image size ${test.rows}×${test.cols} differs from the training images' ${train.rows}×${train.cols}`,
    );
  }
  return {
    rows: train.rows,
    cols: train.cols,
    pixels: train.rows * train.cols,
    classes,
    train: train.set,
    test: test.set,
  };
}
