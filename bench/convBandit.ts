// The conv bandit (appendix E, docs/math.md §7.2) on the CPU engine, one thread: ms per update of
// one run at the paper's size (2 convolutions × 16 channels, 200 Bernoulli units, batch 50) on
// the TensorFlow.js trunk's back ends, split into the forward pass and the rest (credit,
// signals, the trunk's backward with per-example gradients, Adam), and an update whose variance
// is not measured (the batch-mean trunk gradient only: the playground's ConvBanditConfig.varianceEvery).
// Run alone: node --import tsx bench/convBandit.ts
import type { Dataset } from '../src/data/dataset.ts';
import { allocSparseRows, binarizeRows, testBinarizeKey } from '../src/data/minibatch.ts';
import { PAPER_OPTIMIZER, type BanditEstimator } from '../src/engine/types.ts';
import { forwardKeys } from '../src/models/bandit/forward.ts';
import { ConvBanditRun } from '../src/models/convBandit/convBanditRun.ts';
import { convBanditShape, initConvBanditParameters } from '../src/models/convBandit/parameters.ts';
import { Stream } from '../src/rng/streams.ts';
import { TRUNK_BACKENDS, useTrunkBackend } from '../src/trunk/backend.ts';
import { tfjsTrunk } from '../src/trunk/tfjsTrunk.ts';
import type { BenchRow } from './cpuBandit.ts';

/** Mean ms of `work` over at least `seconds` (at least 3 calls, after one warm-up call). */
function msPer(work: (i: number) => void, seconds: number): number {
  work(0);
  const start = performance.now();
  let n = 0;
  while (n < 3 || performance.now() - start < seconds * 1000) work(++n);
  return (performance.now() - start) / n;
}

/** Rows per tfjs back end: forward, and a whole update of HNCA and REINFORCE (note: the part after the forward pass). */
export async function benchConvBandit(data: Dataset, seconds: number, batch = 50): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const rowsIn = allocSparseRows(batch, data.pixels);
  binarizeRows(data.train, data.pixels, Uint32Array.from({ length: batch }, (_, b) => b), testBinarizeKey(0, 0), rowsIn);
  const pixels = new Float32Array(batch * data.pixels);
  for (let b = 0; b < batch; b++) for (let k = rowsIn.onStart[b]; k < rowsIn.onStart[b + 1]; k++) pixels[b * data.pixels + rowsIn.onIndex[k]] = 1;
  const labels = data.train.labels.subarray(0, batch);
  const shape = convBanditShape({ convLayers: 2, channels: 16, width: 200, hiddenValues: 'pm1' }, data.rows, data.cols, data.classes);
  const keys = forwardKeys(0, 0, Stream.hiddenBase, Stream.action, 1);
  for (const backend of TRUNK_BACKENDS) {
    const { backend: used } = await useTrunkBackend(backend);
    if (used !== backend) continue;
    const engine = `CPU, 1 thread, tfjs ${backend}`;
    const forwardRun = new ConvBanditRun(initConvBanditParameters(shape, 1), 'hnca', batch, tfjsTrunk(shape));
    // the plain-JS back end takes seconds per update: a few calls only
    const budget = backend === 'cpu' ? Math.min(seconds, 1) : seconds;
    const forward = msPer((i) => forwardRun.estimateForward(pixels, batch, keys.setStep(i)), budget);
    rows.push({ section: 'conv bandit', configuration: '2 conv × 16 ch, 200 units: forward', engine, updatesPerSecond: 1000 / forward, msPerUpdate: forward });
    for (const estimator of ['hnca', 'reinforce'] as BanditEstimator[]) {
      const run = new ConvBanditRun(initConvBanditParameters(shape, 1), estimator, batch, tfjsTrunk(shape));
      const whole = msPer((i) => run.update(pixels, batch, keys.setStep(i), { labels }, PAPER_OPTIMIZER), budget);
      rows.push({
        section: 'conv bandit',
        configuration: `2 conv × 16 ch, 200 units: ${estimator} update`,
        engine,
        updatesPerSecond: 1000 / whole,
        msPerUpdate: whole,
        note: `after the forward pass ${(whole - forward).toFixed(1)} ms`,
      });
      // the playground's unmeasured updates (varianceEvery > 1): the batch-mean trunk gradient only
      const fast = new ConvBanditRun(initConvBanditParameters(shape, 1), estimator, batch, tfjsTrunk(shape));
      const mean = msPer((i) => fast.update(pixels, batch, keys.setStep(i), { labels }, PAPER_OPTIMIZER, false), budget);
      rows.push({
        section: 'conv bandit',
        configuration: `2 conv × 16 ch, 200 units: ${estimator} update, variance not measured`,
        engine,
        updatesPerSecond: 1000 / mean,
        msPerUpdate: mean,
        note: `${(whole / mean).toFixed(1)}× faster than a measured update`,
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadMnist } = await import('../src/node/mnist.ts');
  for (const r of await benchConvBandit(loadMnist({ trainLimit: 1000, testLimit: 100 }), Number(process.env.BENCH_SECONDS ?? 4))) {
    console.log(`${r.configuration.padEnd(45)} ${r.engine.padEnd(24)} ${r.msPerUpdate.toFixed(1)} ms/update ${r.note ?? ''}`);
  }
}
