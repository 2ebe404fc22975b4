// Categorical hidden units (docs/math.md §7.1) on the WebGPU bandit engine: ms per update (batch
// 50, 2 hidden layers of 200 units with N values, HNCA and REINFORCE runs in the same dispatches,
// one seed) for N = 2, 4, 8 against Bernoulli units of the same width, and where an update's time
// goes: each dispatch of one update run alone (GpuBanditEngine.runDispatch), `repeats` times per
// submission, ms per dispatch. On SwiftShader an update takes seconds: `npm run bench` runs it
// unless BENCH_CATEGORICAL_GPU=0. Alone: node --import tsx bench/categoricalWebgpu.ts
import type { Dataset } from '../src/data/dataset.ts';
import { createGpuBanditEngine, type GpuBanditEngine } from '../src/backends/webgpu/index.ts';
import { PAPER_OPTIMIZER, type BanditConfig } from '../src/engine/types.ts';
import { loadShaderSources } from '../src/node/shaderSources.ts';
import type { BenchRow } from './cpuBandit.ts';

/** One configuration's result: ms per update and ms per dispatch of each kernel (summed over an update's dispatches of it). */
export interface CategoricalGpuTiming {
  name: string;
  msPerUpdate: number;
  kernels: { kernel: string; ms: number; dispatches: number }[];
}

/** Median of a non-empty list. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** ms per dispatch of each dispatch of one update (after a whole update has run every pipeline once): median over `rounds` submissions of `repeats` dispatches. */
async function dispatchTimes(engine: GpuBanditEngine, repeats: number, rounds: number): Promise<CategoricalGpuTiming['kernels']> {
  const kernels = engine.updateDispatches();
  const out = new Map<string, { ms: number; dispatches: number }>();
  for (const [index, kernel] of kernels.entries()) {
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      await engine.runDispatch(index, repeats);
      samples.push((performance.now() - start) / repeats);
    }
    const entry = out.get(kernel) ?? { ms: 0, dispatches: 0 };
    entry.ms += median(samples);
    entry.dispatches += 1;
    out.set(kernel, entry);
  }
  return [...out].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms);
}

/**
 * Per N in `categories` (0 first: Bernoulli units), ms per update over at least `updates` updates
 * after one warm-up update, and each kernel's ms per update (`repeats` dispatches per submission,
 * median of `rounds` submissions). `device`: the adapter's device; `tile`: the tiled kernels' edge
 * (default: the engine's choice for the adapter).
 */
export async function timeCategoricalWebGpu(
  data: Dataset,
  device: GPUDevice,
  options: { categories?: readonly number[]; width?: number; batch?: number; updates?: number; repeats?: number; rounds?: number; tile?: number } = {},
): Promise<CategoricalGpuTiming[]> {
  const { categories = [2, 4, 8], width = 200, batch = 50, updates = 2, repeats = 1, rounds = 2, tile } = options;
  const shaders = loadShaderSources();
  const results: CategoricalGpuTiming[] = [];
  for (const n of [0, ...categories]) {
    const config: BanditConfig = {
      task: 'bandit',
      hidden: 2,
      width,
      hiddenValues: 'pm1',
      ...(n ? { units: 'categorical' as const, categories: n } : {}),
      estimators: ['hnca', 'reinforce'],
      seeds: [1],
      batch,
      ...PAPER_OPTIMIZER,
    };
    const engine = await createGpuBanditEngine({ config, data }, { device, shaders, tile, flushEvery: 1_000_000 });
    await engine.step(1);
    const start = performance.now();
    await engine.step(updates);
    const msPerUpdate = (performance.now() - start) / updates;
    const kernels = await dispatchTimes(engine, repeats, rounds);
    engine.dispose();
    results.push({ name: n ? `2 hidden × ${width} categorical units, N = ${n}` : `2 hidden × ${width} Bernoulli units`, msPerUpdate, kernels });
  }
  return results;
}

/** A variant of the engine to compare: the tiled kernels' edge and/or other shader sources (e.g. a commit's shaders/). */
export interface EngineVariant {
  label: string;
  tile?: number;
  shaders?: Record<string, string>;
  /** the dense weight_gradient for matrices fed by categorical units (GpuProgramOptions) */
  denseCategoricalGradients?: boolean;
}

/**
 * Variants of one configuration (N = `categories`, 0: Bernoulli) timed in one run, interleaved so
 * that a changing load on a shared machine hits them alike: `rounds` times, one update of each
 * variant in turn, then each dispatch of each variant in turn. Returns per variant its ms per
 * update (median) and per kernel its ms per update (sum over its dispatches of each one's median).
 */
export async function compareVariants(data: Dataset, device: GPUDevice, categories: number, variants: readonly EngineVariant[], options: { width?: number; batch?: number; rounds?: number } = {}): Promise<CategoricalGpuTiming[]> {
  const { width = 200, batch = 50, rounds = 3 } = options;
  const config: BanditConfig = {
    task: 'bandit',
    hidden: 2,
    width,
    hiddenValues: 'pm1',
    ...(categories ? { units: 'categorical' as const, categories } : {}),
    estimators: ['hnca', 'reinforce'],
    seeds: [1],
    batch,
    ...PAPER_OPTIMIZER,
  };
  const engines = await Promise.all(variants.map((v) => createGpuBanditEngine({ config, data }, { device, shaders: v.shaders ?? loadShaderSources(), tile: v.tile, denseCategoricalGradients: v.denseCategoricalGradients, flushEvery: 1_000_000 })));
  for (const engine of engines) await engine.step(1);
  const updates = engines.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [e, engine] of engines.entries()) {
      const start = performance.now();
      await engine.step(1);
      updates[e].push(performance.now() - start);
    }
  }
  // dispatch i of each variant (the same count; a variant may dispatch another kernel there)
  const lists = engines.map((engine) => engine.updateDispatches());
  if (lists.some((list) => list.length !== lists[0].length)) throw new Error(`variants dispatch ${lists.map((l) => l.length).join(' / ')} kernels per update: not comparable dispatch by dispatch`);
  const perKernel = engines.map(() => new Map<string, { ms: number; dispatches: number }>());
  for (const index of lists[0].keys()) {
    const samples = engines.map((): number[] => []);
    for (let round = 0; round < rounds; round++) {
      for (const [e, engine] of engines.entries()) {
        const start = performance.now();
        await engine.runDispatch(index, 1);
        samples[e].push(performance.now() - start);
      }
    }
    perKernel.forEach((map, e) => {
      const kernel = lists[e][index];
      const entry = map.get(kernel) ?? { ms: 0, dispatches: 0 };
      entry.ms += median(samples[e]);
      entry.dispatches += 1;
      map.set(kernel, entry);
    });
  }
  for (const engine of engines) engine.dispose();
  const name = categories ? `categorical units, N = ${categories}` : 'Bernoulli units';
  return variants.map((v, e) => ({ name: `${name}, ${v.label}`, msPerUpdate: median(updates[e]), kernels: [...perKernel[e]].map(([kernel, x]) => ({ kernel, ...x })).sort((a, b) => b.ms - a.ms) }));
}

/** Prints variants side by side: ms per update and per kernel, and each variant's ratio to the first. */
export function printComparison(timings: CategoricalGpuTiming[]): void {
  const [first] = timings;
  const cell = (ms: number, base: number) => `${ms.toFixed(1).padStart(9)} ms (${(base / ms).toFixed(2)}×)`;
  console.log(`${'kernel'.padEnd(28)} ${timings.map((t) => t.name.padStart(36)).join(' ')}`);
  console.log(`${'whole update'.padEnd(28)} ${timings.map((t) => cell(t.msPerUpdate, first.msPerUpdate).padStart(36)).join(' ')}`);
  // every kernel of any variant (a variant may dispatch kernels another does not: '—')
  const names = [...new Set(timings.flatMap((t) => t.kernels.map((k) => k.kernel)))];
  const msOf = (t: CategoricalGpuTiming, kernel: string) => t.kernels.find((x) => x.kernel === kernel)?.ms;
  names.sort((a, b) => Math.max(...timings.map((t) => msOf(t, b) ?? 0)) - Math.max(...timings.map((t) => msOf(t, a) ?? 0)));
  for (const kernel of names) {
    const ms = timings.map((t) => msOf(t, kernel));
    console.log(`${kernel.padEnd(28)} ${ms.map((m) => (m === undefined ? '—' : ms[0] === undefined ? `${m.toFixed(1).padStart(9)} ms` : cell(m, ms[0])).padStart(36)).join(' ')}`);
  }
  console.log('(× : the first variant\'s time ÷ this one\'s: above 1 is faster)');
}

/** Bench rows (ms per update; the note: × Bernoulli, the largest kernel's share of the summed dispatch times). */
export function categoricalWebGpuRows(timings: CategoricalGpuTiming[], adapter: string): BenchRow[] {
  const bernoulli = timings[0].msPerUpdate;
  return timings.map((t) => {
    const total = t.kernels.reduce((a, k) => a + k.ms, 0);
    const top = t.kernels[0];
    return {
      section: 'categorical WebGPU',
      configuration: `${t.name}, batch 50, HNCA + REINFORCE runs`,
      engine: `WebGPU (${adapter})`,
      updatesPerSecond: 1000 / t.msPerUpdate,
      msPerUpdate: t.msPerUpdate,
      note: `${(t.msPerUpdate / bernoulli).toFixed(2)}× Bernoulli; largest kernel ${top.kernel} ${((100 * top.ms) / total).toFixed(0)}% of ${total.toFixed(0)} ms dispatched alone`,
    };
  });
}

/** Prints each configuration's update time and its kernels' times, largest first. */
export function printCategoricalWebGpu(timings: CategoricalGpuTiming[]): void {
  const bernoulli = timings[0].msPerUpdate;
  for (const t of timings) {
    const total = t.kernels.reduce((a, k) => a + k.ms, 0);
    console.log(`${t.name}: ${t.msPerUpdate.toFixed(1)} ms/update (${(t.msPerUpdate / bernoulli).toFixed(2)}× Bernoulli); dispatched alone ${total.toFixed(1)} ms:`);
    for (const k of t.kernels) console.log(`  ${k.kernel.padEnd(28)} ${k.ms.toFixed(2).padStart(9)} ms  ${((100 * k.ms) / total).toFixed(1).padStart(5)}%  (${k.dispatches} dispatch${k.dispatches > 1 ? 'es' : ''})`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadMnist } = await import('../src/node/mnist.ts');
  const { nodeGpu } = await import('../src/node/webgpuNode.ts');
  const { loadavg } = await import('node:os');
  const gpu = await nodeGpu();
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter (requestAdapter() returned null)');
  const device = await adapter.requestDevice();
  const data = loadMnist({ trainLimit: 1000, testLimit: 10 });
  const categories = (process.env.BENCH_CATEGORIES ?? '2,4,8').split(',').map(Number);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
  // BENCH_COMPARE_TILES=4,8, BENCH_COMPARE_SHADERS=<dir of the shaders before a change> or
  // BENCH_COMPARE_GRADIENTS=1 (dense weight_gradient vs categorical_input_gradient): variants
  // timed interleaved in one run (N = each of BENCH_CATEGORIES), ratios to the first
  if (process.env.BENCH_COMPARE_TILES || process.env.BENCH_COMPARE_SHADERS || process.env.BENCH_COMPARE_GRADIENTS) {
    const variants: EngineVariant[] = process.env.BENCH_COMPARE_TILES
      ? process.env.BENCH_COMPARE_TILES.split(',').map((t) => ({ label: `tile ${t}`, tile: Number(t) }))
      : process.env.BENCH_COMPARE_GRADIENTS
        ? [
            { label: 'dense weight_gradient', denseCategoricalGradients: true },
            { label: 'categorical_input_gradient' },
          ]
        : [
            { label: `shaders of ${process.env.BENCH_COMPARE_SHADERS}`, shaders: loadShaderSources(process.env.BENCH_COMPARE_SHADERS) },
            { label: 'shaders/', shaders: loadShaderSources() },
          ];
    for (const n of categories) printComparison(await compareVariants(data, device, n, variants, { rounds: Number(process.env.BENCH_ROUNDS ?? 3) }));
    console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
    device.destroy();
    process.exit(0);
  }
  // BENCH_TILES=4,8: the tiled kernels' edge (default: the engine's choice for the adapter), each in turn
  const tiles = process.env.BENCH_TILES ? process.env.BENCH_TILES.split(',').map(Number) : [undefined];
  for (const tile of tiles) {
    if (tile !== undefined) console.log(`tile ${tile}:`);
    printCategoricalWebGpu(await timeCategoricalWebGpu(data, device, { categories, tile, updates: Number(process.env.BENCH_UPDATES ?? 2) }));
  }
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
  device.destroy();
}
