// Softmax and log-sum-exp over a contiguous run of logits (docs/math.md §2 output, §3 test bound,
// §7.1 categorical units), shifted by the maximum so that any finite logits give finite results.

/**
 * log Σ_k exp(x[start + k]) − log(divisor) over k < count (nats), shifted by the maximum:
 * finite for finite inputs; −Infinity when every entry is −Infinity. divisor = K gives the
 * log-mean-exp of the importance-weighted bound.
 */
export function logSumExp(x: ArrayLike<number>, start = 0, count = x.length - start, divisor = 1): number {
  let max = -Infinity;
  for (let k = 0; k < count; k++) if (x[start + k] > max) max = x[start + k];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(x[start + k] - max);
  return max + Math.log(sum / divisor);
}

/**
 * π = softmax(z) of the `count` logits z[start..] into out[start..] ([batch, actions] rows);
 * returns the shifted sum Σ_k exp(z_k − max z), ≥ 1.
 */
export function softmaxInto(z: ArrayLike<number>, start: number, count: number, out: Float64Array): number {
  let max = -Infinity;
  for (let k = 0; k < count; k++) max = Math.max(max, z[start + k]);
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const e = Math.exp(z[start + k] - max);
    out[start + k] = e;
    sum += e;
  }
  for (let k = 0; k < count; k++) out[start + k] /= sum;
  return sum;
}
