// CPU-engine throughput for the contextual bandit (issue 2 target: batch 50, width 200,
// ≥ 150 updates/s with 1 hidden layer and ≥ 40 with 3, on 2 cores).
import type { Dataset } from '../src/data/dataset.ts';
import { createCpuEngine } from '../src/backends/cpu/index.ts';
import { PAPER_OPTIMIZER, type BanditConfig, type BanditEstimator, type TrainingEngine } from '../src/engine/types.ts';
import { createThreadedCpuEngine } from '../src/node/threadedCpuEngine.ts';

export interface BenchRow {
  section: string;
  configuration: string;
  engine: string;
  updatesPerSecond: number;
  msPerUpdate: number;
  note?: string;
}

export function banditConfig(hidden: number, estimators: BanditEstimator[], seeds = [0]): BanditConfig {
  return { task: 'bandit', hidden, width: 200, hiddenValues: 'pm1', estimators, seeds, batch: 50, ...PAPER_OPTIMIZER };
}

/** Updates per second of `engine` after `warmup` updates, timed over at least `seconds`. */
export async function timeUpdates(engine: TrainingEngine, warmup: number, seconds: number, chunk = 10): Promise<number> {
  await engine.step(warmup);
  const start = performance.now();
  let done = 0;
  while (performance.now() - start < seconds * 1000) {
    await engine.step(chunk);
    done += chunk;
  }
  return done / ((performance.now() - start) / 1000);
}

export async function benchCpuBandit(data: Dataset, seconds: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const hidden of [1, 3]) {
    for (const estimators of [['hnca'], ['reinforce']] as BanditEstimator[][]) {
      const engine = createCpuEngine({ config: banditConfig(hidden, estimators), data });
      const ups = await timeUpdates(engine, 5, seconds);
      engine.dispose();
      rows.push({ section: 'cpu-bandit', configuration: `${hidden} hidden, ${estimators[0]}, 1 run`, engine: 'CPU, 1 thread', updatesPerSecond: ups, msPerUpdate: 1000 / ups });
    }
    const paired = await createThreadedCpuEngine({ config: banditConfig(hidden, ['hnca', 'reinforce']), data }, 2);
    const ups = await timeUpdates(paired, 5, seconds);
    paired.dispose();
    rows.push({
      section: 'cpu-bandit',
      configuration: `${hidden} hidden, hnca + reinforce paired`,
      engine: 'CPU, 2 threads',
      updatesPerSecond: ups,
      msPerUpdate: 1000 / ups,
      note: 'both runs advance each update',
    });
  }
  return rows;
}
