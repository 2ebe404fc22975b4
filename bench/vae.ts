// CPU-engine throughput of the discrete VAE (issue 5): updates/s per estimator and depth at
// width 200, batch 50, with each depth's cost as a ratio to the 1-layer cost. f-HNCA is one
// forward and one backward pass (linear in depth); LOO and DisARM add a partial forward pass
// from every layer (quadratic). Standalone: `node --import tsx bench/vae.ts [seconds]`.
import { pathToFileURL } from 'node:url';
import type { Dataset } from '../src/data/dataset.ts';
import { createCpuEngine } from '../src/engine/cpu/index.ts';
import { PAPER_OPTIMIZER, VAE_ESTIMATORS, type TrainingEngine, type VaeConfig, type VaeEstimator } from '../src/engine/types.ts';
import { loadMnist } from '../src/node/mnist.ts';
import type { BenchRow } from './cpuBandit.ts';

export function vaeConfig(layers: number, estimator: VaeEstimator): VaeConfig {
  return { task: 'vae', layers, width: 200, estimators: [estimator], seeds: [0], batch: 50, testK: 100, ...PAPER_OPTIMIZER };
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
 * this thread), so updates/s is what one unloaded core would do.
 */
export async function benchVae(
  data: Dataset,
  seconds: number,
  estimators: readonly VaeEstimator[] = VAE_ESTIMATORS,
  depths = [1, 2, 3],
  rounds = 3,
): Promise<BenchRow[]> {
  const cells = estimators.flatMap((estimator) => depths.map((layers) => ({ estimator, layers, engine: createCpuEngine({ config: vaeConfig(layers, estimator), data }), best: Infinity })));
  for (const cell of cells) await cell.engine.step(3);
  for (let r = 0; r < rounds; r++) {
    for (const cell of cells) cell.best = Math.min(cell.best, await cpuMsPerUpdate(cell.engine, seconds / rounds));
  }
  const rows: BenchRow[] = [];
  for (const cell of cells) {
    cell.engine.dispose();
    const first = cells.find((c) => c.estimator === cell.estimator && c.layers === depths[0]) ?? cell;
    const previous = cells.find((c) => c.estimator === cell.estimator && c.layers === cell.layers - 1);
    // linear cost: constant increments per added layer; quadratic: growing increments
    const increment = previous ? `, +${(cell.best - previous.best).toFixed(1)} ms for layer ${cell.layers}` : '';
    rows.push({
      section: 'cpu-vae',
      configuration: `${cell.layers} layer${cell.layers > 1 ? 's' : ''}, ${cell.estimator}, width 200, batch 50`,
      engine: 'CPU, 1 thread (CPU time)',
      updatesPerSecond: 1000 / cell.best,
      msPerUpdate: cell.best,
      note: `cost ${(cell.best / first.best).toFixed(2)}× the ${depths[0]}-layer cost${increment}`,
    });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 3);
  const maxDepth = Number(process.argv[3] ?? 3);
  const depths = Array.from({ length: maxDepth }, (_, i) => i + 1);
  for (const r of await benchVae(loadMnist(), seconds, VAE_ESTIMATORS, depths)) {
    console.log(`${r.configuration.padEnd(44)} ${r.updatesPerSecond.toFixed(1).padStart(7)} updates/s  ${r.msPerUpdate.toFixed(1).padStart(7)} ms/update  ${r.note ?? ''}`);
  }
}
