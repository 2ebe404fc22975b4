// CPU-engine throughput of the discrete VAE (issue 5): updates/s per estimator and depth at
// width 200, batch 50, with each depth's cost as a ratio to the 1-layer cost. f-HNCA is one
// forward and one backward pass (linear in depth); LOO and DisARM add a partial forward pass
// from every layer (quadratic). Standalone: `node --import tsx bench/vae.ts [seconds]`.
import { pathToFileURL } from 'node:url';
import type { Dataset } from '../src/data/dataset.ts';
import { createCpuEngine } from '../src/engine/cpu/index.ts';
import { PAPER_OPTIMIZER, VAE_ESTIMATORS, type VaeConfig, type VaeEstimator } from '../src/engine/types.ts';
import { loadMnist } from '../src/node/mnist.ts';
import { timeUpdates, type BenchRow } from './cpuBandit.ts';

export function vaeConfig(layers: number, estimator: VaeEstimator): VaeConfig {
  return { task: 'vae', layers, width: 200, estimators: [estimator], seeds: [0], batch: 50, testK: 100, ...PAPER_OPTIMIZER };
}

export async function benchVae(data: Dataset, seconds: number, estimators: readonly VaeEstimator[] = VAE_ESTIMATORS, depths = [1, 2, 3]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const estimator of estimators) {
    let oneLayerMs = 0;
    let previousMs = 0;
    for (const layers of depths) {
      const engine = createCpuEngine({ config: vaeConfig(layers, estimator), data });
      const ups = await timeUpdates(engine, 3, seconds, 2);
      engine.dispose();
      const ms = 1000 / ups;
      if (layers === depths[0]) oneLayerMs = ms;
      // linear cost: constant increments per added layer; quadratic: growing increments
      const increment = layers === depths[0] ? '' : `, +${(ms - previousMs).toFixed(1)} ms for layer ${layers}`;
      previousMs = ms;
      rows.push({
        section: 'cpu-vae',
        configuration: `${layers} layer${layers > 1 ? 's' : ''}, ${estimator}, width 200, batch 50`,
        engine: 'CPU, 1 thread',
        updatesPerSecond: ups,
        msPerUpdate: ms,
        note: `cost ${(ms / oneLayerMs).toFixed(2)}× the ${depths[0]}-layer cost${increment}`,
      });
    }
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
