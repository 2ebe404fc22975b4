// Writes a small but valid four-file MNIST folder (random 28×28 images) for CLI tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MNIST_FILES } from '../../src/node/mnist.ts';

function u32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

export function writeTinyMnist(dir: string, train = 200, test = 40): string {
  mkdirSync(dir, { recursive: true });
  let state = 12345;
  const byte = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24);
  const images = (n: number): Uint8Array =>
    new Uint8Array([...u32(2051), ...u32(n), ...u32(28), ...u32(28), ...Array.from({ length: n * 784 }, byte)]);
  const labels = (n: number): Uint8Array => new Uint8Array([...u32(2049), ...u32(n), ...Array.from({ length: n }, (_, i) => i % 10)]);
  writeFileSync(path.join(dir, MNIST_FILES.trainImages), images(train));
  writeFileSync(path.join(dir, MNIST_FILES.trainLabels), labels(train));
  writeFileSync(path.join(dir, MNIST_FILES.testImages), images(test));
  writeFileSync(path.join(dir, MNIST_FILES.testLabels), labels(test));
  return dir;
}
