// One example's internals for inspection (playground, classroom): encoder probabilities and
// samples per layer, the HNCA credit rho(1) - rho(0) of every unit (0 for the top layer,
// which has no encoder children), and the decoder's pixel probabilities P(x_d = 1 | φ_1).
import type { ExampleTrace } from '../../engine/types.ts';
import { rhoPair } from '../units/bernoulli.ts';
import { encoderChildDeltas } from './counterfactual.ts';
import { RngDraws } from './draws.ts';
import { VaeTables } from './estimators.ts';
import { forwardPass, PassState } from './forward.ts';
import type { VaeParams } from './params.ts';

/** The draws use step 0xffffffff of the training streams with `seed` (never a training update in practice). */
export function traceVaeExample(params: VaeParams, pixels: Uint8Array, seed: number): ExampleTrace {
  const { sizes } = params;
  const L = params.shape.layers;
  if (pixels.length !== sizes[0]) throw new Error(`expected ${sizes[0]} pixels, got ${pixels.length}`);
  const s = new PassState(sizes);
  const on: number[] = [];
  for (let i = 0; i < pixels.length; i++) if (pixels[i] !== 0) on.push(i);
  s.setInput(on, 0, on.length);
  const draws = new RngDraws(params.shape.width);
  draws.setStep(seed, 0xffffffff, L);
  draws.setExample(0);
  forwardPass(params, draws, s);
  const tables = new VaeTables(sizes);
  tables.update(params);
  const trace: ExampleTrace = { probabilities: [], samples: [], credit: [], actionProbabilities: Float32Array.from(s.dp[0]) };
  const rho = new Float64Array(2);
  for (let l = 1; l <= L; l++) {
    const n = sizes[l];
    const credit = new Float32Array(n);
    if (l < L) {
      const dlq = new Float64Array(n);
      const dent = new Float64Array(n);
      encoderChildDeltas(params.encW[l], tables.enc[l], s.phi[l], n, s.u[l + 1], s.ut[l + 1], s.p[l + 1], s.q[l + 1], s.phi[l + 1], s.on[l + 1], s.onCount[l + 1], sizes[l + 1], dlq, dent);
      for (let i = 0; i < n; i++) {
        rhoPair(s.p[l][i], s.q[l][i], (s.phi[l][i] === 1 ? 1 : -1) * dlq[i], rho); // D = log Q_0 - log Q_1
        credit[i] = rho[0] - rho[1];
      }
    }
    trace.probabilities.push(Float32Array.from(s.p[l]));
    trace.samples.push(Uint8Array.from(s.phi[l]));
    trace.credit.push(credit);
  }
  return trace;
}
