// CPU-engine throughput of the discrete VAE (issue 5): updates/s per estimator and depth at
// width 200, batch 50, with each depth's cost as a ratio to the 1-layer cost. f-HNCA is one
// forward and one backward pass (linear in depth); LOO and DisARM add a partial forward pass
// from every layer (quadratic). Standalone: `node --import tsx bench/vae.ts [seconds]`.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Dataset } from '../src/data/dataset.ts';
import { createCpuEngine } from '../src/backends/cpu/index.ts';
import { PAPER_OPTIMIZER, VAE_ESTIMATORS, type TrainingEngine, type VaeConfig, type VaeEstimator } from '../src/engine/types.ts';
import { loadMnist } from '../src/node/mnist.ts';
import type { BenchRow } from './cpuBandit.ts';
import { TorchVaePeer } from './peer/torchVae.ts';

export function vaeConfig(layers: number, estimator: VaeEstimator, width = 200): VaeConfig {
  return { task: 'vae', layers, width, estimators: [estimator], seeds: [0], batch: 50, testK: 100, ...PAPER_OPTIMIZER };
}

/** CPU milliseconds per update of `engine` (process CPU time: robust to other load on a shared machine). */
async function cpuMsPerUpdate(engine: TrainingEngine, seconds: number, chunk = 2): Promise<number> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  let done = 0;
  while (performance.now() - wall < seconds * 1000) {
    await engine.step(chunk);
    done += chunk;
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / done;
}

/**
 * Every (estimator, depth) engine is timed in `rounds` interleaved rounds of seconds/rounds
 * each, keeping its best round. The cost is process CPU time per update (the engine runs in
 * this thread), so updates/s is what one unloaded core would do. With `torch` (issue 23) the
 * PyTorch peer's same update (bench/peer/torch/vae.py, 1 thread, CPU time) is timed right
 * after ours in every round, and its rows follow ours with the ratio in each note.
 */
export async function benchVae(
  data: Dataset,
  seconds: number,
  estimators: readonly VaeEstimator[] = VAE_ESTIMATORS,
  depths = [1, 2, 3],
  rounds = 3,
  torch: TorchVaePeer | null = null,
): Promise<BenchRow[]> {
  const cells = estimators.flatMap((estimator) => depths.map((layers) => ({ estimator, layers, engine: createCpuEngine({ config: vaeConfig(layers, estimator), data }), best: Infinity, peer: Infinity })));
  for (const cell of cells) await cell.engine.step(3);
  for (let r = 0; r < rounds; r++) {
    for (const cell of cells) {
      cell.best = Math.min(cell.best, await cpuMsPerUpdate(cell.engine, seconds / rounds));
      if (torch) cell.peer = Math.min(cell.peer, await torch.time(cell.estimator, cell.layers, seconds / rounds));
    }
  }
  for (const cell of cells) cell.engine.dispose();
  const ours = costRows(cells, depths[0], 'cpu-vae', `CPU, 1 thread (CPU time), ${cells[0]?.engine.info.description ?? ''}`, 1, 200);
  const reinforce = (layers: number) => cells.find((c) => c.estimator === 'reinforce' && c.layers === layers);
  ours.forEach((row, i) => {
    const cell = cells[i];
    const r = reinforce(cell.layers);
    if (r) row.note = `${row.note}; ${(cell.best / r.best).toFixed(2)}× REINFORCE`;
    if (torch) row.note = `${row.note}; ${(cell.peer / cell.best).toFixed(2)}× PyTorch's speed`;
  });
  if (!torch) return ours;
  const peer = costRows(
    cells.map((c) => ({ estimator: c.estimator, layers: c.layers, best: c.peer })),
    depths[0],
    'cpu-vae',
    `PyTorch ${torch.version} float32, 1 thread (CPU time)`,
    1,
    200,
  );
  return [...ours, ...peer];
}

/** One timed (estimator, depth) cell: its best milliseconds per update. */
interface CostCell {
  estimator: VaeEstimator;
  layers: number;
  best: number;
}

/**
 * Bench rows of a cost-versus-depth table: each cell's ms per update, its cost as a ratio to the
 * shallowest depth's and the increment of each added layer (f-HNCA: about constant increments,
 * linear in depth; LOO and DisARM: growing increments from their partial passes).
 * @param digits decimals of the increment (1 for the CPU's milliseconds, 3 for a GPU's)
 */
function costRows(cells: readonly CostCell[], firstDepth: number, section: string, engine: string, digits: number, width: number): BenchRow[] {
  return cells.map((cell) => {
    const first = cells.find((c) => c.estimator === cell.estimator && c.layers === firstDepth) ?? cell;
    const previous = cells.find((c) => c.estimator === cell.estimator && c.layers === cell.layers - 1);
    const increment = previous ? `, +${(cell.best - previous.best).toFixed(digits)} ms for layer ${cell.layers}` : '';
    return {
      section,
      configuration: `${cell.layers} layer${cell.layers > 1 ? 's' : ''}, ${cell.estimator}, width ${width}, batch 50`,
      engine,
      updatesPerSecond: 1000 / cell.best,
      msPerUpdate: cell.best,
      note: `cost ${(cell.best / first.best).toFixed(2)}× the ${firstDepth}-layer cost${increment}`,
    };
  });
}

/** Wall-clock milliseconds per update of a GPU engine: `updates` updates, then a counters read (the GPU has finished them). */
async function gpuMsPerUpdate(engine: TrainingEngine, updates: number, chunk: number): Promise<number> {
  await engine.readCounters();
  const start = performance.now();
  for (let done = 0; done < updates; done += chunk) await engine.step(Math.min(chunk, updates - done));
  await engine.readCounters();
  return (performance.now() - start) / updates;
}

/**
 * WebGPU-engine cost of the discrete VAE versus depth (issue 12): ms per update (wall clock, one
 * run per engine, width `width` (the paper's 200), batch 50) for every estimator at `depths`, best of `rounds` rounds
 * of about seconds/rounds each, with each added layer's increment.
 * @param createEngine opens a WebGPU engine (bench/peer/webgpu.ts createOurWebGpuEngine on the adapter to measure)
 * @param adapter the adapter's name, for the rows' engine column
 */
export async function benchVaeWebGpu(
  data: Dataset,
  seconds: number,
  createEngine: (config: VaeConfig) => Promise<TrainingEngine>,
  adapter: string,
  estimators: readonly VaeEstimator[] = VAE_ESTIMATORS,
  depths = [1, 2, 3, 4, 5],
  rounds = 2,
  width = 200,
): Promise<BenchRow[]> {
  const cells: (CostCell & { updates: number })[] = [];
  for (const estimator of estimators) {
    for (const layers of depths) {
      const engine = await createEngine(vaeConfig(layers, estimator, width));
      try {
        // calibrate: updates in about seconds/rounds from a first 20-update timing
        const probe = await gpuMsPerUpdate(engine, 20, 10);
        const updates = Math.max(20, Math.min(20_000, Math.round((seconds / rounds) * 1000 / probe)));
        let best = probe;
        for (let r = 0; r < rounds; r++) best = Math.min(best, await gpuMsPerUpdate(engine, updates, 50));
        cells.push({ estimator, layers, best, updates });
      } finally {
        engine.dispose();
      }
    }
  }
  return costRows(cells, depths[0], 'webgpu-vae', `WebGPU (${adapter}), wall clock`, 3, width);
}

// standalone only when this file is the entry (not when bundled into bench/gpu/vaeBench.ts's
// vae-bench.mjs, where import.meta.url is the bundle's, which is also the entry)
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && /[\\/]vae\.ts$/.test(process.argv[1] ?? '')) {
  const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 3);
  const maxDepth = Number(process.argv[3] ?? 3);
  const depths = Array.from({ length: maxDepth }, (_, i) => i + 1);
  const torch = await TorchVaePeer.start();
  if (typeof torch === 'string') console.log(torch);
  const before = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`load average ${before} (before)`);
  // BENCH_VAE_ESTIMATORS=reinforce,disarm: only those rows (REINFORCE's, the ratios' reference, is kept)
  const only = process.env.BENCH_VAE_ESTIMATORS?.split(',');
  const estimators = only ? VAE_ESTIMATORS.filter((e) => e === 'reinforce' || only.includes(e)) : VAE_ESTIMATORS;
  const rows = await benchVae(loadMnist(), seconds, estimators, depths, 5, typeof torch === 'string' ? null : torch);
  if (typeof torch !== 'string') torch.close();
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (after)`);
  for (const r of rows) {
    console.log(`${r.configuration.padEnd(50)} ${r.engine.padEnd(60)} ${r.updatesPerSecond.toFixed(1).padStart(7)} updates/s  ${r.msPerUpdate.toFixed(2).padStart(7)} ms/update  ${r.note ?? ''}`);
  }
  // BENCH_VAE_MD=path: also the table as markdown (bench/RESULTS-vae.md holds the last one committed)
  const md = process.env.BENCH_VAE_MD;
  if (md) {
    const lines = [
      `# CPU VAE bench: ours vs PyTorch (${new Date().toISOString()})`,
      '',
      `\`node --import tsx bench/vae.ts ${seconds} ${maxDepth}\` on ${cpus()[0]?.model.trim() ?? 'unknown CPU'} (${cpus().length} logical cores), Node ${process.version}; load average ${before} before, ${loadavg().map((x) => x.toFixed(2)).join(' ')} after (the machine is shared: both sides are timed in process CPU time, interleaved cell by cell, best of 5 rounds).`,
      '',
      '| configuration | engine | updates/s | ms/update | note |',
      '| --- | --- | ---: | ---: | --- |',
      ...rows.map((r) => `| ${r.configuration} | ${r.engine} | ${r.updatesPerSecond.toFixed(1)} | ${r.msPerUpdate.toFixed(2)} | ${r.note ?? ''} |`),
      '',
    ];
    writeFileSync(md, lines.join('\n'));
  }
}
