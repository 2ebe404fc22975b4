import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MNIST_ASSET_HEADER_BYTES, datasetFromMnistAsset, decodeMnistAssetHeader, encodeMnistAssetHeader, loadMnistAsset } from './mnistAsset.ts';

const header = { trainCount: 3, testCount: 2, rows: 2, cols: 2 };
const body = Uint8Array.from([
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], // 3 train images of 4 pixels
  7, 8, 9, // train labels
  ...[20, 21, 22, 23, 24, 25, 26, 27], // 2 test images
  1, 2, // test labels
]);

describe('compact MNIST asset', () => {
  it('round-trips its header and rejects a foreign file', () => {
    const bytes = encodeMnistAssetHeader(header);
    expect(bytes.length).toBe(MNIST_ASSET_HEADER_BYTES);
    expect(decodeMnistAssetHeader(bytes)).toEqual(header);
    expect(() => decodeMnistAssetHeader(new Uint8Array(24))).toThrow(/bad magic/);
    expect(() => decodeMnistAssetHeader(bytes.subarray(0, 10))).toThrow(/shorter than its header/);
  });

  it('splits the body into train and test sets and checks its length and labels', () => {
    const data = datasetFromMnistAsset(header, body);
    expect(data.pixels).toBe(4);
    expect([...data.train.images.subarray(8, 12)]).toEqual([8, 9, 10, 11]);
    expect([...data.train.labels]).toEqual([7, 8, 9]);
    expect([...data.test.images.subarray(4, 8)]).toEqual([24, 25, 26, 27]);
    expect([...data.test.labels]).toEqual([1, 2]);
    expect(() => datasetFromMnistAsset(header, body.subarray(1))).toThrow(/expected 25/);
    const badLabel = body.slice();
    badLabel[12] = 10;
    expect(() => datasetFromMnistAsset(header, badLabel)).toThrow(/label 10/);
  });

  it('loads through fetch, reporting progress, and decompresses', async () => {
    const file = new Uint8Array([...encodeMnistAssetHeader(header), ...gzipSync(body)]);
    const progress: number[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = async () => new Response(file, { headers: { 'content-length': String(file.length) } });
    try {
      const data = await loadMnistAsset('http://test/mnist.bin', (loaded, total) => {
        expect(total).toBe(file.length);
        progress.push(loaded);
      });
      expect(progress.at(-1)).toBe(file.length);
      expect([...data.test.labels]).toEqual([1, 2]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('names the file and says in plain words what went wrong: failed, cut short, damaged', async () => {
    const file = new Uint8Array([...encodeMnistAssetHeader(header), ...gzipSync(body)]);
    const realFetch = globalThis.fetch;
    const load = async (answer: () => Promise<Response>): Promise<string> => {
      globalThis.fetch = answer;
      try {
        await loadMnistAsset('http://test/mnist/mnist-v1.bin');
        return 'loaded';
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      } finally {
        globalThis.fetch = realFetch;
      }
    };
    expect(await load(async () => new Response('nope', { status: 404, statusText: 'Not Found' }))).toMatch(/^mnist-v1\.bin could not be downloaded from http:\/\/test\/mnist\/mnist-v1\.bin: the server answered HTTP 404 Not Found/);
    expect(await load(() => Promise.reject(new TypeError('Failed to fetch')))).toMatch(/^mnist-v1\.bin could not be downloaded .*the network request failed \(Failed to fetch\)/);
    // the server announced the whole file but sent part of it
    expect(await load(async () => new Response(file.subarray(0, 30), { headers: { 'content-length': String(file.length) } }))).toMatch(
      /^mnist-v1\.bin (was cut short: 30 of \d+ bytes arrived|: the download broke off)/,
    );
    // no length announced: the truncated gzip stream does not decompress
    expect(await load(async () => new Response(file.subarray(0, 30)))).toMatch(/^mnist-v1\.bin is damaged: its compressed data could not be decompressed/);
    const corrupt = file.slice();
    corrupt[0] = 0;
    expect(await load(async () => new Response(corrupt))).toMatch(/^mnist-v1\.bin is damaged or not the playground's MNIST file: bad magic/);
    const wrongLength = new Uint8Array([...encodeMnistAssetHeader(header), ...gzipSync(body.subarray(1))]);
    expect(await load(async () => new Response(wrongLength))).toMatch(/^mnist-v1\.bin is damaged: body has 24 bytes, expected 25/);
  });
});
