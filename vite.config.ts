/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { mnistAssetPlugin } from './vite/mnistAssetPlugin.ts';

export default defineConfig({
  // relative URLs in the built site (scripts, the worker, MNIST): dist/ works wherever it is
  // served from, a domain's root or a sub-path such as a project page at /hnca/
  base: './',
  plugins: [react(), mnistAssetPlugin()],
  worker: { format: 'es' },
  // the worker imports webgpu-utils only when it builds the WebGPU engine: pre-bundle it so the
  // dev server does not discover it late and reload the page
  optimizeDeps: { include: ['webgpu-utils'] },
  // three pages: the playground (index.html), the classroom view (learn.html) and the math
  // (math.html: docs/math.md with its formulas, an anchor per section)
  build: { rolldownOptions: { input: { main: 'index.html', learn: 'learn.html', math: 'math.html' } } },
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // at least two test files at once: Vitest's default (cores − 1) runs a 2-core machine's suite
    // one file at a time, while most files wait on Chromium, a CLI child or SwiftShader's threads
    // (2 workers: 829 s against 1009 s, green under load)
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
