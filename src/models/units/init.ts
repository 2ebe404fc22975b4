// Weight initialisation shared by every model (docs/math.md §2 "Init", §3 "as §2").
import { uniform } from '../../rng/counterRng.ts';

/**
 * Glorot-uniform weights: out[e] = (2·uniform(key, e) − 1)·sqrt(6/(fanIn + fanOut)) for every
 * element e of out (any layout), from the counter-based RNG stream `key`.
 */
export function glorotUniform(out: Float32Array | Float64Array, fanIn: number, fanOut: number, key: number): void {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let e = 0; e < out.length; e++) out[e] = (2 * uniform(key, e) - 1) * limit;
}
