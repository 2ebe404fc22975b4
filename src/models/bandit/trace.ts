// One example's internals for inspection (playground "inside the network", classroom).
import { allocSparseRows } from '../../data/minibatch.ts';
import { EngineError, type ExampleTrace } from '../../engine/types.ts';
import { Stream } from '../../rng/streams.ts';
import type { BanditRun } from './banditRun.ts';
import { forwardKeys } from './forward.ts';

/** Runs one example (pixels: 0/1 per input) through `run` and reports every layer's state. */
export function traceExample(run: BanditRun, pixels: Uint8Array, seed: number): ExampleTrace {
  const { sizes } = run.params.shape;
  if (pixels.length !== sizes[0]) throw new EngineError(`inspect needs ${sizes[0]} input values, got ${pixels.length}`, 'config');
  const rows = allocSparseRows(1, sizes[0]);
  let k = 0;
  rows.onStart[0] = 0;
  for (let j = 0; j < pixels.length; j++) if (pixels[j]) rows.onIndex[k++] = j;
  rows.onStart[1] = k;
  rows.count = 1;
  const hiddenLayers = sizes.length - 2;
  run.estimateForward(rows, forwardKeys(seed, 0, Stream.inspectHiddenBase, Stream.inspectAction, hiddenLayers));
  run.computeCredit(1);
  const s = run.scratch;
  const trace: ExampleTrace = { probabilities: [], samples: [], credit: [], actionProbabilities: Float32Array.from(s.outProb.subarray(0, sizes[sizes.length - 1])) };
  for (let l = 0; l < hiddenLayers; l++) {
    const width = sizes[l + 1];
    trace.probabilities.push(Float32Array.from(s.prob[l].subarray(0, width)));
    trace.samples.push(s.sample[l].slice(0, width));
    trace.credit.push(Float32Array.from(s.credit[l].subarray(0, width)));
  }
  return trace;
}
