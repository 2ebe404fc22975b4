// The multi-sample (importance-weighted) test bound (docs/math.md §3):
// log (1/K) Σ_k exp(log p(x, φ^k) - log q(φ^k | x)), φ^k ~ q(.|x).
import type { VaeDraws } from './draws.ts';
import { decoderLayer, encoderLayer, encoderLogProb, PassState, sampleLayer } from './forward.ts';
import type { VaeParams } from './params.ts';
import { logSumExp } from '../units/softmax.ts';

/**
 * log p(x, φ) - log q(φ | x) for one sample φ ~ q(.|x) (x already set in s).
 * Layer 1's probabilities depend on x only: pass firstLayerReady once they are computed.
 */
export function logImportanceWeight(params: VaeParams, s: PassState, draws: VaeDraws, firstLayerReady = false): number {
  const L = params.shape.layers;
  let lw = 0;
  for (let l = 1; l <= L; l++) {
    if (l > 1 || !firstLayerReady) encoderLayer(params, l, s);
    sampleLayer(params, draws, 0, l, s);
    lw -= encoderLogProb(params, l, s);
  }
  for (let m = 0; m <= L; m++) lw += decoderLayer(params, m, s);
  return lw;
}

/** The K-sample bound of the example in s; `select(k)` points the draws at sample k first. */
export function importanceBound(params: VaeParams, s: PassState, draws: VaeDraws, k: number, select: (k: number) => void, scratch: Float64Array): number {
  encoderLayer(params, 1, s);
  for (let i = 0; i < k; i++) {
    select(i);
    scratch[i] = logImportanceWeight(params, s, draws, true);
  }
  return logSumExp(scratch, 0, k, k);
}
