// The architecture as a test (docs/math.md §1): "UI or CLI → engine interface → back end →
// kernels", with metrics flowing back as plain records. Every import under src/ (static,
// type-only, dynamic, import.meta.glob, worker entries) must go in an allowed direction, and
// there must be no import cycle anywhere. A new folder fails until it is added to LAYERS.
import { describe, expect, it } from 'vitest';
import { buildImportGraph, findCycles, layeringViolations, scanImports, type ImportGraph, type LayerRule } from './helpers/importGraph.ts';

// react-error-boundary: the panels' error boundaries; marked: the math page's Markdown (docs/math.md)
const BROWSER_UI = ['react', 'react-dom', 'zustand', 'recharts', 'katex', 'react-error-boundary', 'marked'];

/**
 * Which folder may import which (besides itself). Read a row as "files in `folder` may import
 * these layers and these packages". Lower layers never import higher ones.
 */
const LAYERS: Record<string, LayerRule> = {
  // foundations: no project imports but each other, downwards
  rng: { folder: 'src/rng', mayImport: [], packages: [] },
  // the WebAssembly SIMD kernels (float64 dense algebra, flip tables) and their typed views: no project imports
  simd: { folder: 'src/simd', mayImport: [], packages: [] },
  data: { folder: 'src/data', mayImport: ['rng'], packages: [] },
  // the engine interface: types, configs, validation, records, the training loop
  // valibot: the schemas of what files carry (src/engine/fileSchemas.ts, issue 26); only the engine
  // imports it, the CLI and the page go through that module
  // The contract only: back ends live beside it in src/backends/, so no import runs from here back up.
  engine: { folder: 'src/engine', mayImport: ['data', 'rng', 'simd'], packages: ['valibot'] },
  // what each update computes (bandit, VAE, units); built on the engine's types and optimizer
  models: { folder: 'src/models', mayImport: ['engine', 'data', 'rng', 'simd'], packages: [] },
  // the conv bandit's deterministic trunk (docs/math.md §7.2) on TensorFlow.js: a library runs it, behind models/convBandit/trunk.ts
  trunk: { folder: 'src/trunk', mayImport: ['engine', 'models'], packages: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgpu'] },
  // back ends: implement the engine interface by running the models' math
  'backends/cpu': { folder: 'src/backends/cpu', mayImport: ['engine', 'models', 'trunk', 'data', 'rng', 'simd'], packages: [] },
  // (the conv bandit program loads its trunk, src/trunk/webgpuTrunk.ts, with a dynamic import on first use)
  'backends/webgpu': { folder: 'src/backends/webgpu', mayImport: ['engine', 'models', 'trunk', 'data', 'rng'], packages: ['webgpu-utils'] },
  // the paper's published numbers, for comparison in reports and charts
  reference: { folder: 'src/reference', mayImport: ['engine'], packages: [] },
  // the playground's configuration, shared by the React app and its training worker
  playground: { folder: 'src/playground', mayImport: ['engine'], packages: [] },
  // the playground's training worker: no React, no Node
  // (the conv bandit's TensorFlow.js WebAssembly binaries: their asset URLs only)
  worker: { folder: 'src/worker', mayImport: ['playground', 'engine', 'backends/cpu', 'backends/webgpu', 'data', 'rng'], packages: ['@tensorflow/tfjs-backend-wasm'] },
  // Node-only adapters: files, threads, Dawn's WebGPU (with the runtime's software-adapter check), headless Chromium
  node: { folder: 'src/node', mayImport: ['engine', 'backends/cpu', 'backends/webgpu', 'data'], packages: ['node:*', 'tsx', 'webgpu'] },
  // front ends
  cli: { folder: 'src/cli', mayImport: ['engine', 'backends/cpu', 'backends/webgpu', 'node', 'data', 'reference'], packages: ['node:*'] },
  // the published library's entries (package.json's exports map: ".", "./webgpu", "./node"): re-exports only
  library: { folder: 'src/library', mayImport: ['engine', 'backends/cpu', 'backends/webgpu', 'models', 'data', 'rng', 'worker', 'node'], packages: [] },
  // the playground and the classroom (which runs the bandit's math on a tiny network itself)
  app: { folder: 'src/app', mayImport: ['playground', 'worker', 'engine', 'models', 'data', 'rng', 'reference'], packages: BROWSER_UI },
};

describe('layering of src/', () => {
  const graph = buildImportGraph('src');

  it('reads the whole tree', () => {
    expect(graph.files).toContain('src/engine/types.ts');
    expect(graph.files.length).toBeGreaterThan(100);
    expect(graph.edges.length).toBeGreaterThan(200);
    // the dynamic imports are edges too
    expect(graph.edges.some((e) => e.kind === 'dynamic')).toBe(true);
  });

  it('loads no module by a glob or a name in a string: globs only collect assets (WGSL sources), every optional back end is a typed import()', () => {
    const moduleGlobs = graph.edges.filter((e) => e.kind === 'glob' && /\.(ts|tsx|js|mjs)$/.test(e.to));
    expect(moduleGlobs).toEqual([]);
  });

  it('imports only in the allowed directions', () => {
    expect(layeringViolations(graph, LAYERS)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycles(graph.files, graph.edges).map((c) => c.join(' → '))).toEqual([]);
  });
});

describe('the layering checker', () => {
  const rules: Record<string, LayerRule> = {
    low: { folder: 'src/low', mayImport: [], packages: [] },
    high: { folder: 'src/high', mayImport: ['low'], packages: ['react'] },
  };
  const fake = (edges: [string, string][], packages: [string, string][] = []): ImportGraph => ({
    files: [...new Set(edges.flat())].sort(),
    edges: edges.map(([from, to]) => ({ from, to, kind: 'static', line: 1 })),
    packages: packages.map(([from, name]) => ({ from, name, line: 1 })),
    unresolved: [],
  });

  it('finds every kind of import and ignores comments', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "export * from './c.ts';",
      "import './d.css';",
      '// import { x } from "./commented.ts";',
      '/* import("./commented2.ts") */',
      "const m = await import('./e.ts');",
      "const g = import.meta.glob('./f/*.ts');",
      "new Worker(new URL('./g.ts', import.meta.url));",
      'import {',
      '  h,',
      "} from 'react';",
      "const label = read('state import'); const other = 'reimport';",
    ].join('\n');
    expect(scanImports(source)).toEqual([
      { specifier: './a.ts', kind: 'static', line: 1 },
      { specifier: '../b.ts', kind: 'static', line: 2 },
      { specifier: './c.ts', kind: 'static', line: 3 },
      { specifier: './d.css', kind: 'static', line: 4 },
      { specifier: './e.ts', kind: 'dynamic', line: 7 },
      { specifier: './f/*.ts', kind: 'glob', line: 8 },
      { specifier: './g.ts', kind: 'url', line: 9 },
      { specifier: 'react', kind: 'static', line: 12 },
    ]);
  });

  it('reports an import against the table, a forbidden package and a file in no layer', () => {
    const graph = fake(
      [
        ['src/high/a.ts', 'src/low/b.ts'],
        ['src/low/b.ts', 'src/high/c.ts'],
        ['src/other/d.ts', 'src/low/b.ts'],
      ],
      [
        ['src/high/a.ts', 'react'],
        ['src/low/b.ts', 'react'],
        ['src/low/b.test.ts', 'vitest'],
      ],
    );
    expect(layeringViolations(graph, rules)).toEqual([
      'src/other/d.ts is in no layer: add its folder to the layer table',
      'src/low/b.ts:1 (low) imports src/high/c.ts (high): low may import only nothing',
      'src/low/b.ts:1 (low) imports the package react: low may use only no package',
    ]);
  });

  it('finds a cycle, also through a third file and within one layer, and none in a chain', () => {
    expect(findCycles([], [
      ['src/a.ts', 'src/b.ts'],
      ['src/b.ts', 'src/c.ts'],
    ].map(([from, to]) => ({ from, to })))).toEqual([]);
    const cycles = findCycles([], [
      ['src/x/a.ts', 'src/x/b.ts'],
      ['src/x/b.ts', 'src/x/c.ts'],
      ['src/x/c.ts', 'src/x/a.ts'],
      ['src/y.ts', 'src/y.ts'],
      ['src/z.ts', 'src/x/a.ts'],
    ].map(([from, to]) => ({ from, to })));
    expect(cycles.map((c) => c.join(' → '))).toEqual(['src/x/a.ts → src/x/b.ts → src/x/c.ts → src/x/a.ts', 'src/y.ts → src/y.ts']);
  });

  it('fails on the violations this restructuring removed (a worker importing the app, the engine importing a model or a back end)', () => {
    const graph = buildImportGraph('src');
    const injected: ImportGraph = {
      ...graph,
      edges: [
        ...graph.edges,
        { from: 'src/worker/trainingWorker.ts', to: 'src/app/model/config.ts', kind: 'static', line: 1 },
        { from: 'src/engine/validate.ts', to: 'src/models/vae/draws.ts', kind: 'static', line: 1 },
        { from: 'src/worker/protocol.ts', to: 'src/app/model/chartSeries.ts', kind: 'static', line: 1 },
        // the contract importing a back end (issue 22: back ends live beside the contract)
        { from: 'src/engine/trainer.ts', to: 'src/backends/cpu/index.ts', kind: 'static', line: 1 },
      ],
    };
    // the app imports the worker's protocol (an allowed direction), so the injected reverse edge closes a cycle
    expect(graph.edges.some((e) => e.from === 'src/app/model/chartSeries.ts' && e.to === 'src/worker/protocol.ts')).toBe(true);
    expect(layeringViolations(injected, LAYERS)).toEqual([
      'src/worker/trainingWorker.ts:1 (worker) imports src/app/model/config.ts (app): worker may import only playground, engine, backends/cpu, backends/webgpu, data, rng',
      'src/engine/validate.ts:1 (engine) imports src/models/vae/draws.ts (models): engine may import only data, rng, simd',
      'src/worker/protocol.ts:1 (worker) imports src/app/model/chartSeries.ts (app): worker may import only playground, engine, backends/cpu, backends/webgpu, data, rng',
      'src/engine/trainer.ts:1 (engine) imports src/backends/cpu/index.ts (backends/cpu): engine may import only data, rng, simd',
    ]);
    expect(findCycles(injected.files, injected.edges).map((c) => c.join(' → '))).toEqual([
      'src/app/model/chartSeries.ts → src/worker/protocol.ts → src/app/model/chartSeries.ts',
    ]);
  });
});
