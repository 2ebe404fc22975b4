// The arithmetic one bandit update needs, counted from the shapes (docs/math.md §2), the same
// for every implementation. Convention: one add, multiply, compare or one transcendental
// (exp, log, log-sigmoid) counts as 1 flop; matrix products are counted dense (2·m·n·k) even
// though our CPU engine skips the zero pixels, so its GFLOP/s is an effective rate.

export interface UpdateFlops {
  forward: number;
  /** HNCA's counterfactual messages and credit (0 for REINFORCE) */
  messages: number;
  /** learning signals and weight/bias gradients */
  gradients: number;
  adam: number;
  total: number;
}

/** Per counterfactual edge (example, parent, child): logit shift (2), log σ or exp (1), sum (1). */
const FLOP_PER_EDGE = 4;
/** Per (example, parent): log of the flipped sum, D, rho(1) − rho(0) (two forms) */
const FLOP_PER_CREDIT = 10;
/** Adam per parameter: two moments (7), bias corrections, sqrt, divide, step (5) */
const FLOP_PER_ADAM = 12;

/** FLOPs of one update of one run: sizes = [inputs, hidden…, actions], batch B. */
export function updateFlops(sizes: number[], batch: number, hnca: boolean): UpdateFlops {
  const B = batch;
  const layers = sizes.length - 1;
  const actions = sizes[layers];
  let forward = 0;
  let gradients = 0;
  let messages = 0;
  let parameters = 0;
  for (let k = 0; k < layers; k++) {
    const n = sizes[k];
    const m = sizes[k + 1];
    parameters += n * m + m;
    forward += 2 * B * n * m + B * m; // logits and bias
    gradients += 2 * B * n * m + B * m; // x^T S and the bias mean
  }
  for (let l = 1; l < layers; l++) {
    const width = sizes[l];
    forward += 5 * B * width; // sigmoid, clip (2), compare, value map
    gradients += (hnca ? 4 : 2) * B * width; // R·p(1−p)·credit or R·(φ − p)
    if (hnca) messages += FLOP_PER_EDGE * B * width * sizes[l + 1] + FLOP_PER_CREDIT * B * width;
  }
  forward += 6 * B * actions; // softmax (4) and the cumulative-sum draw (2)
  gradients += 3 * B * actions; // R (e_a − π)
  const adam = FLOP_PER_ADAM * parameters;
  return { forward, messages, gradients, adam, total: forward + messages + gradients + adam };
}
