// Side-by-side timing of our engines and the tfjs peer on the same configurations. The
// machines are shared and noisy, so the engines are timed in alternating rounds and the
// median step time counts (robust to the other processes' bursts).
import type { Dataset } from '../../src/data/dataset.ts';
import { PAPER_OPTIMIZER, type BanditConfig, type BanditEstimator, type TrainingEngine } from '../../src/engine/types.ts';
import { updateFlops } from './flops.ts';
import { PeerRuns } from './peerBatch.ts';

export interface ComparisonRow {
  section: string;
  hidden: number;
  estimator: BanditEstimator;
  runs: number;
  engine: string;
  device: string;
  /** time to advance every run by one update */
  msPerStep: number;
  /** ms per run-update (msPerStep / runs) */
  msPerUpdate: number;
  /** run-updates per second */
  updatesPerSecond: number;
  mflopPerUpdate: number;
  gflops: number;
  /** on our rows: the peer's time ÷ ours on the same configuration (> 1: we are faster) */
  speedup?: number;
  note?: string;
}

/** Advances every run by one update; `finish` waits for all the work queued so far. */
export interface Stepper {
  step: () => Promise<void>;
  finish: () => Promise<void>;
  dispose: () => void;
}

export interface Contender {
  engine: string;
  device: string;
  /** the peer is the reference of the ratio */
  isPeer: boolean;
  /** null: this contender does not take part in this configuration */
  create: (config: BanditConfig) => Promise<Stepper | null>;
}

export function benchConfig(hidden: number, estimator: BanditEstimator, runs: number): BanditConfig {
  const seeds = Array.from({ length: runs }, (_, i) => i);
  return { task: 'bandit', hidden, width: 200, hiddenValues: 'pm1', estimators: [estimator], seeds, batch: 50, ...PAPER_OPTIMIZER };
}

/** Our engines keep at most one chunk of GPU work in flight; step(0) waits for it. */
export function engineStepper(engine: TrainingEngine): Stepper {
  return { step: () => engine.step(1), finish: () => engine.step(0), dispose: () => engine.dispose() };
}

/** The peer likewise: each step waits for the previous step's reward counters (one step in flight). */
export function peerStepper(config: BanditConfig, data: Dataset): Stepper {
  const peer = new PeerRuns(config, data);
  let previous: Promise<number> = Promise.resolve(0);
  return {
    step: async () => {
      peer.step(1);
      const done = peer.sync();
      await previous;
      previous = done;
    },
    finish: async () => {
      await previous;
    },
    dispose: () => peer.dispose(),
  };
}

/** Durations (ms) of the steps taken until `budgetMs` has passed (at least one). */
async function timeSteps(s: Stepper, budgetMs: number): Promise<number[]> {
  await s.finish();
  const start = performance.now();
  const out: number[] = [];
  let last = start;
  do {
    await s.step();
    const t = performance.now();
    out.push(t - last);
    last = t;
  } while (last - start < budgetMs);
  await s.finish();
  out[out.length - 1] += performance.now() - last;
  return out;
}

export function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export interface CompareOptions {
  section: string;
  hiddens: number[];
  estimators: BanditEstimator[];
  runs: number[];
  /** seconds per engine per configuration, split over the rounds */
  seconds: number;
  rounds?: number;
  log?: (line: string) => void;
}

/** Times every contender on every configuration; our rows get the ratio against the peer. */
export async function compare(contenders: Contender[], opts: CompareOptions): Promise<ComparisonRow[]> {
  const rows: ComparisonRow[] = [];
  const rounds = opts.rounds ?? 3;
  for (const hidden of opts.hiddens) {
    for (const estimator of opts.estimators) {
      for (const runs of opts.runs) {
        const config = benchConfig(hidden, estimator, runs);
        const live = [];
        for (const c of contenders) {
          const made = await c.create(config);
          if (made) live.push({ c, s: made, times: [] as number[], best: 0 });
        }
        for (const l of live) {
          // warm-up: allocation, pipeline compilation, first touch
          await l.s.step();
          await l.s.finish();
        }
        for (let r = 0; r < rounds; r++) {
          for (const l of live) l.times.push(...(await timeSteps(l.s, (opts.seconds * 1000) / rounds)));
        }
        for (const l of live) {
          l.s.dispose();
          l.best = median(l.times);
        }
        const sizes = [784, ...Array.from({ length: hidden }, () => 200), 10];
        const flops = updateFlops(sizes, 50, estimator.startsWith('hnca')).total;
        const peerMs = live.find((l) => l.c.isPeer)?.best;
        for (const l of live) {
          const msPerUpdate = l.best / runs;
          rows.push({
            section: opts.section,
            hidden,
            estimator,
            runs,
            engine: l.c.engine,
            device: l.c.device,
            msPerStep: l.best,
            msPerUpdate,
            updatesPerSecond: 1000 / msPerUpdate,
            mflopPerUpdate: flops / 1e6,
            gflops: flops / msPerUpdate / 1e6,
            speedup: !l.c.isPeer && peerMs !== undefined ? peerMs / l.best : undefined,
          });
          opts.log?.(`  ${opts.section} ${hidden} hidden ${estimator} ×${runs}: ${l.c.engine} ${l.best.toFixed(1)} ms/step`);
        }
      }
    }
  }
  return rows;
}
