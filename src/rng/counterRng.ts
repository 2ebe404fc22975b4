// Counter-based RNG (docs/math.md §5): a uniform float is a pure function of
// (seed, step, stream, index). Only 32-bit integer operations are used, so
// shaders/rng.wgsl computes bit-identical values.

/** lowbias32 integer hash (C. Wellons): a bijection on u32 with good avalanche. */
export function hash32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Key of one (seed, step, stream) triple; hash once, then draw many indices from it. */
export function streamKey(seed: number, step: number, stream: number): number {
  return hash32(hash32(hash32(seed >>> 0) ^ (step >>> 0)) ^ (stream >>> 0));
}

/** 32 random bits for element `index` of a stream. */
export function randomBits(key: number, index: number): number {
  return hash32((key ^ hash32(index >>> 0)) >>> 0);
}

/** Uniform in [0, 1) with 24 bits of resolution: exactly representable in float32. */
export function uniformFromBits(bits: number): number {
  return (bits >>> 8) * 5.9604644775390625e-8; // 2^-24
}

export function uniform(key: number, index: number): number {
  return uniformFromBits(randomBits(key, index));
}

/**
 * Bernoulli(intensity / 255) without floating point: u < k/255 with u = m·2^-24
 * is m·255 < k·2^24, and both sides fit in u32. Used for dynamic binarization.
 */
export function pixelIsOn(key: number, index: number, intensity: number): boolean {
  const m = randomBits(key, index) >>> 8;
  return m * 255 < intensity * 16777216;
}
