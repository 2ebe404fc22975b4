// The paper's remark on categorical units (docs/math.md §7.1, appendix D): with categorical
// children a backward pass costs about N times the forward pass. Measured on the CPU engine's
// BanditRun, one thread: per update (batch 50, 2 hidden layers of 200 units with N values), the
// forward pass alone, and the backward pass = a whole HNCA (or REINFORCE) gradient estimate
// minus its forward pass. Run alone: node --import tsx bench/categoricalBandit.ts
import type { Dataset } from '../src/data/dataset.ts';
import { allocSparseRows, binarizeRows, testBinarizeKey } from '../src/data/minibatch.ts';
import type { BanditEstimator } from '../src/engine/types.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { forwardKeys } from '../src/models/bandit/forward.ts';
import { banditShape, initBanditParameters } from '../src/models/bandit/parameters.ts';
import { Stream } from '../src/rng/streams.ts';
import type { BenchRow } from './cpuBandit.ts';

/** Mean ms of `work` over at least `seconds` (at least 3 calls, after one warm-up call). */
function msPer(work: (i: number) => void, seconds: number): number {
  work(0);
  const start = performance.now();
  let n = 0;
  while (n < 3 || performance.now() - start < seconds * 1000) work(++n);
  return (performance.now() - start) / n;
}

/**
 * Rows of ms per update for N ∈ `categories`: forward, and backward (estimate − forward) of HNCA
 * and REINFORCE; the note gives backward/forward. Bernoulli units of the same width as a reference.
 */
export function benchCategoricalBandit(data: Dataset, seconds: number, categories: readonly number[] = [2, 4, 8], width = 200, batch = 50): BenchRow[] {
  const rows: BenchRow[] = [];
  const input = allocSparseRows(batch, data.pixels);
  const indices = Uint32Array.from({ length: batch }, (_, b) => b);
  binarizeRows(data.train, data.pixels, indices, testBinarizeKey(0, 0), input);
  const labels = data.train.labels.subarray(0, batch);
  for (const n of [0, ...categories]) {
    const shape = n ? banditShape(data.pixels, 2, width, data.classes, 'pm1', 'categorical', n) : banditShape(data.pixels, 2, width, data.classes, 'pm1');
    const params = initBanditParameters(shape, 1);
    const name = n ? `2 hidden × ${width} categorical units, N = ${n}` : `2 hidden × ${width} Bernoulli units (reference)`;
    const keys = forwardKeys(0, 0, Stream.hiddenBase, Stream.action, 2);
    const forwardRun = new BanditRun(params, 'hnca', batch);
    const forward = msPer((i) => forwardRun.estimateForward(input, keys.setStep(i)), seconds);
    rows.push({ section: 'categorical', configuration: `${name}: forward`, engine: 'CPU, 1 thread', updatesPerSecond: 1000 / forward, msPerUpdate: forward });
    for (const estimator of ['hnca', 'reinforce'] as BanditEstimator[]) {
      const run = new BanditRun(params, estimator, batch);
      const whole = msPer((i) => run.estimateGradients(input, keys.setStep(i), { labels }), seconds);
      const backward = whole - forward;
      rows.push({
        section: 'categorical',
        configuration: `${name}: ${estimator} backward`,
        engine: 'CPU, 1 thread',
        updatesPerSecond: 1000 / backward,
        msPerUpdate: backward,
        note: `backward/forward ${(backward / forward).toFixed(1)}`,
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadMnist } = await import('../src/node/mnist.ts');
  const rows = benchCategoricalBandit(loadMnist({ trainLimit: 1000, testLimit: 10 }), Number(process.env.BENCH_SECONDS ?? 2));
  for (const r of rows) console.log(`${r.configuration.padEnd(58)} ${r.msPerUpdate.toFixed(2).padStart(9)} ms/update  ${r.note ?? ''}`);
}
