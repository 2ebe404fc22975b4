// AssemblyScript source of the CPU engine's WASM SIMD kernels (src/engine/simd/). Built by
// `node --import tsx scripts/build-wasm.ts` into src/engine/simd/kernels.wasm.ts (base64);
// tests/simd-kernels.test.ts checks that the committed module is this source's build and that
// every kernel equals its JavaScript reference bit for bit.
//
// Every kernel computes exactly what its JS twin computes, in the same float64 operations in
// the same order per output element: SIMD runs across independent columns (f64x2: two columns
// per instruction), never across a sum's terms, and wasm has no fused multiply-add, so results
// (and with them every sample of a training run) are identical to the JS path.
// Pointers are byte offsets into the imported memory; the JS side owns every array.

/** End of this module's static data: arrays may start at any 16-byte boundary above it. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function loadF32x2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/**
 * out[i] = base[i] + scale · Σ_k src[rows[k] + i] for i < width (src float32, out float64):
 * src/models/bandit/rowSums.ts sumSelectedRows. rows: `count` int32 element offsets into src;
 * baseKind 0: no base (out = scale · Σ), 1: base is float32, 2: base is float64.
 */
export function sumRowsF32(src: usize, rows: usize, count: i32, width: i32, out: usize, scale: f64, base: usize, baseKind: i32): void {
  const s = f64x2.splat(scale);
  let i = 0;
  for (; i + 7 < width; i += 8) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    const column = src + (<usize>i << 2);
    for (let k = 0; k < count; k++) {
      const p = column + (<usize>load<i32>(rows + (<usize>k << 2)) << 2);
      a0 = f64x2.add(a0, loadF32x2(p));
      a1 = f64x2.add(a1, loadF32x2(p + 8));
      a2 = f64x2.add(a2, loadF32x2(p + 16));
      a3 = f64x2.add(a3, loadF32x2(p + 24));
    }
    storeBlock(out + (<usize>i << 3), base, baseKind, i, s, a0, a1, a2, a3);
  }
  for (; i < width; i++) {
    let a: f64 = 0;
    for (let k = 0; k < count; k++) a += <f64>load<f32>(src + ((<usize>load<i32>(rows + (<usize>k << 2)) + <usize>i) << 2));
    storeOne(out + (<usize>i << 3), base, baseKind, i, scale, a);
  }
}

/** The same with a float64 src (the gradients' sums of signals). */
export function sumRowsF64(src: usize, rows: usize, count: i32, width: i32, out: usize, scale: f64, base: usize, baseKind: i32): void {
  const s = f64x2.splat(scale);
  let i = 0;
  for (; i + 7 < width; i += 8) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    const column = src + (<usize>i << 3);
    for (let k = 0; k < count; k++) {
      const p = column + (<usize>load<i32>(rows + (<usize>k << 2)) << 3);
      a0 = f64x2.add(a0, v128.load(p));
      a1 = f64x2.add(a1, v128.load(p, 16));
      a2 = f64x2.add(a2, v128.load(p, 32));
      a3 = f64x2.add(a3, v128.load(p, 48));
    }
    storeBlock(out + (<usize>i << 3), base, baseKind, i, s, a0, a1, a2, a3);
  }
  for (; i < width; i++) {
    let a: f64 = 0;
    for (let k = 0; k < count; k++) a += load<f64>(src + ((<usize>load<i32>(rows + (<usize>k << 2)) + <usize>i) << 3));
    storeOne(out + (<usize>i << 3), base, baseKind, i, scale, a);
  }
}

@inline function baseAt(base: usize, baseKind: i32, i: i32): v128 {
  return baseKind == 1 ? loadF32x2(base + (<usize>i << 2)) : v128.load(base + (<usize>i << 3));
}

/** out[0..8) = base[i..i+8) + s · a (or s · a without a base). */
@inline function storeBlock(o: usize, base: usize, baseKind: i32, i: i32, s: v128, a0: v128, a1: v128, a2: v128, a3: v128): void {
  if (baseKind == 0) {
    v128.store(o, f64x2.mul(s, a0));
    v128.store(o, f64x2.mul(s, a1), 16);
    v128.store(o, f64x2.mul(s, a2), 32);
    v128.store(o, f64x2.mul(s, a3), 48);
  } else {
    v128.store(o, f64x2.add(baseAt(base, baseKind, i), f64x2.mul(s, a0)));
    v128.store(o, f64x2.add(baseAt(base, baseKind, i + 2), f64x2.mul(s, a1)), 16);
    v128.store(o, f64x2.add(baseAt(base, baseKind, i + 4), f64x2.mul(s, a2)), 32);
    v128.store(o, f64x2.add(baseAt(base, baseKind, i + 6), f64x2.mul(s, a3)), 48);
  }
}

@inline function storeOne(o: usize, base: usize, baseKind: i32, i: i32, scale: f64, a: f64): void {
  const b: f64 = baseKind == 0 ? 0 : baseKind == 1 ? <f64>load<f32>(base + (<usize>i << 2)) : load<f64>(base + (<usize>i << 3));
  store<f64>(o, b + scale * a);
}

/**
 * One Adam ascent step over n entries (src/engine/optimizer.ts ascentStep): m, v, value float32,
 * grad float64; oneMinusBeta1 = 1 − beta1 and oneMinusBeta2 = 1 − beta2 as JS computes them.
 * Returns Σ g² summed in index order (the variance metric's term, DESIGN.md §4).
 */
export function adam(value: usize, grad: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, oneMinusBeta1: f64, oneMinusBeta2: f64, eps: f64, c1: f64, c2: f64): f64 {
  const b1 = f64x2.splat(beta1);
  const b2 = f64x2.splat(beta2);
  const ob1 = f64x2.splat(oneMinusBeta1);
  const ob2 = f64x2.splat(oneMinusBeta2);
  const lrv = f64x2.splat(lr);
  const epsv = f64x2.splat(eps);
  const c1v = f64x2.splat(c1);
  const c2v = f64x2.splat(c2);
  let ss: f64 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o4 = <usize>i << 2;
    const g = v128.load(grad + (<usize>i << 3));
    const sq = f64x2.mul(g, g);
    ss += f64x2.extract_lane(sq, 0);
    ss += f64x2.extract_lane(sq, 1);
    const mi = f64x2.add(f64x2.mul(b1, loadF32x2(m + o4)), f64x2.mul(ob1, g));
    const vi = f64x2.add(f64x2.mul(b2, loadF32x2(v + o4)), f64x2.mul(f64x2.mul(ob2, g), g));
    v128.store64_lane(m + o4, f32x4.demote_f64x2_zero(mi), 0);
    v128.store64_lane(v + o4, f32x4.demote_f64x2_zero(vi), 0);
    const step = f64x2.div(f64x2.mul(lrv, f64x2.mul(mi, c1v)), f64x2.add(f64x2.sqrt(f64x2.mul(vi, c2v)), epsv));
    v128.store64_lane(value + o4, f32x4.demote_f64x2_zero(f64x2.add(loadF32x2(value + o4), step)), 0);
  }
  for (; i < n; i++) {
    const o4 = <usize>i << 2;
    const g = load<f64>(grad + (<usize>i << 3));
    ss += g * g;
    const mi = beta1 * <f64>load<f32>(m + o4) + oneMinusBeta1 * g;
    const vi = beta2 * <f64>load<f32>(v + o4) + oneMinusBeta2 * g * g;
    store<f32>(m + o4, <f32>mi);
    store<f32>(v + o4, <f32>vi);
    store<f32>(value + o4, <f32>(<f64>load<f32>(value + o4) + (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps)));
  }
  return ss;
}

/** One SGD ascent step value += lr · g over n entries; returns Σ g² in index order. */
export function sgd(value: usize, grad: usize, n: i32, lr: f64): f64 {
  const lrv = f64x2.splat(lr);
  let ss: f64 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o4 = <usize>i << 2;
    const g = v128.load(grad + (<usize>i << 3));
    const sq = f64x2.mul(g, g);
    ss += f64x2.extract_lane(sq, 0);
    ss += f64x2.extract_lane(sq, 1);
    v128.store64_lane(value + o4, f32x4.demote_f64x2_zero(f64x2.add(loadF32x2(value + o4), f64x2.mul(lrv, g))), 0);
  }
  for (; i < n; i++) {
    const g = load<f64>(grad + (<usize>i << 3));
    ss += g * g;
    store<f32>(value + (<usize>i << 2), <f32>(<f64>load<f32>(value + (<usize>i << 2)) + lr * g));
  }
  return ss;
}

/** Math.exp of the JavaScript engine, imported so that probabilities match the JS path bit for bit. */
@external("env", "exp")
declare function exp(x: f64): f64;

const PROB_MIN: f64 = 1e-5;
const PROB_MAX: f64 = 1 - 1e-5;

/** lowbias32 (src/rng/counterRng.ts hash32). */
@inline function hash32(value: u32): u32 {
  let x = value;
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

/**
 * Bernoulli sampling of one hidden layer (src/models/bandit/forward.ts sampleLayer with the
 * counter-based RNG of ForwardKeys): for b < batch, i < width, e = b·width + i,
 * prob[e] = clip(1/(1 + exp(−logit[e])), 1e-5, 1 − 1e-5) and sample[e] = [u < f32(prob[e])] with
 * u = uniform(key, (exampleOffset + b)·width + i). logit, prob float64; sample uint8.
 */
export function sampleBernoulliLayer(logit: usize, prob: usize, sample: usize, batch: i32, width: i32, key: u32, exampleOffset: u32): void {
  for (let b = 0; b < batch; b++) {
    const first: u32 = (exampleOffset + <u32>b) * <u32>width;
    const row = <usize>b * <usize>width;
    for (let i = 0; i < width; i++) {
      const e = row + <usize>i;
      let p: f64 = 1 / (1 + exp(-load<f64>(logit + (e << 3))));
      p = p < PROB_MIN ? PROB_MIN : p > PROB_MAX ? PROB_MAX : p;
      store<f64>(prob + (e << 3), p);
      const bits = hash32(key ^ hash32(first + <u32>i));
      const u = <f64>(bits >>> 8) * 5.9604644775390625e-8;
      store<u8>(sample + e, u < <f64><f32>p ? 1 : 0);
    }
  }
}

/** Math.log of the JavaScript engine (as exp above). */
@external("env", "log")
declare function log(x: f64): f64;

const FACTOR_MIN: f64 = 1 / PROB_MAX;
const FACTOR_MAX: f64 = 1 / PROB_MIN;
const PRODUCT_RESCALE: f64 = 1e100;
const BLOCK: i32 = 32;

/** rho(1) − rho(0) from p and D = log Q0 − log Q1 (src/models/units/bernoulli.ts rhoDifference). */
@inline function rhoDifference(p: f64, d: f64): f64 {
  if (d <= 0) {
    const e = exp(d);
    return (1 - e) / (p + (1 - p) * e);
  }
  const e = exp(-d);
  return (e - 1) / (p * e + (1 - p));
}

/** table[row + offset[c]] and table[row + offset[c + 1]] as f64x2. */
@inline function gatherPair(row: usize, offset: usize, c: i32): v128 {
  const o = offset + (<usize>c << 2);
  const lo = v128.load64_zero(row + (<usize>load<i32>(o) << 3));
  return v128.load64_lane(row + (<usize>load<i32>(o, 4) << 3), lo, 1);
}

/** 1 + t[c] · table[row + offset[c]] for children c and c + 1 (tPair = t[c], t[c + 1]), as f64x2. */
@inline function factorPair(tPair: v128, row: usize, offset: usize, c: i32): v128 {
  return f64x2.add(f64x2.splat(1), f64x2.mul(tPair, gatherPair(row, offset, c)));
}

@inline function factorAt(t: usize, row: usize, offset: usize, c: i32): f64 {
  return 1 + load<f64>(t + (<usize>c << 3)) * load<f64>(row + (<usize>load<i32>(offset + (<usize>c << 2)) << 3));
}

/** The credit of parent j from its log-probability of the children under the flip (as the JS loop ends). */
@inline function storeCredit(credit: usize, prob: usize, j: i32, fired: bool, logFlipped: f64, logActual: f64): void {
  const d = fired ? logFlipped - logActual : logActual - logFlipped;
  store<f64>(credit + (<usize>j << 3), rhoDifference(load<f64>(prob + (<usize>j << 3)), d));
}

/**
 * The fast (table) path of bernoulliChildrenCredit (src/models/bandit/messages.ts) for one
 * example: per parent j < width, the product over children of the flipped factors
 * f_c = 1 + t[c]·table[2j·childWidth + offset_c] (offset0 when φ_j = 0, offset1 when φ_j = 1;
 * clamped to [1/PROB_MAX, 1/PROB_MIN] when mayClip), in blocks of 32 with the JS loop's four
 * partial products, folded into logFlipped above 1e100; credit[j] = rhoDifference(prob[j], D).
 * sample: uint8 [width]; prob, credit: float64 [width]; t: float64 [childWidth]; offsets int32.
 */
export function childrenCreditExample(table: usize, t: usize, offset0: usize, offset1: usize, sample: usize, prob: usize, width: i32, childWidth: i32, mayClip: i32, logActual: f64, credit: usize): void {
  const rowBytes = (<usize>(2 * childWidth)) << 3;
  let j = 0;
  // two parents at a time without clipping: four independent multiply chains hide their latency
  // (each parent's products are still formed exactly as the JS loop forms them)
  if (!mayClip) {
    for (; j + 1 < width; j += 2) {
      const firedA = load<u8>(sample + <usize>j) == 1;
      const firedB = load<u8>(sample + <usize>j + 1) == 1;
      const offA = firedA ? offset1 : offset0;
      const offB = firedB ? offset1 : offset0;
      const rowA = table + <usize>j * rowBytes;
      const rowB = rowA + rowBytes;
      let logA: f64 = 0;
      let logB: f64 = 0;
      let prodA: f64 = 1;
      let prodB: f64 = 1;
      for (let start = 0; start < childWidth; start += BLOCK) {
        const end = min(start + BLOCK, childWidth);
        let a01 = f64x2.splat(1);
        let a23 = f64x2.splat(1);
        let b01 = f64x2.splat(1);
        let b23 = f64x2.splat(1);
        let c = start;
        for (; c + 3 < end; c += 4) {
          const t01 = v128.load(t + (<usize>c << 3));
          const t23 = v128.load(t + (<usize>c << 3), 16);
          a01 = f64x2.mul(a01, factorPair(t01, rowA, offA, c));
          b01 = f64x2.mul(b01, factorPair(t01, rowB, offB, c));
          a23 = f64x2.mul(a23, factorPair(t23, rowA, offA, c + 2));
          b23 = f64x2.mul(b23, factorPair(t23, rowB, offB, c + 2));
        }
        let a0 = f64x2.extract_lane(a01, 0);
        let b0 = f64x2.extract_lane(b01, 0);
        for (; c < end; c++) {
          a0 *= factorAt(t, rowA, offA, c);
          b0 *= factorAt(t, rowB, offB, c);
        }
        prodA *= a0 * f64x2.extract_lane(a01, 1) * (f64x2.extract_lane(a23, 0) * f64x2.extract_lane(a23, 1));
        prodB *= b0 * f64x2.extract_lane(b01, 1) * (f64x2.extract_lane(b23, 0) * f64x2.extract_lane(b23, 1));
        if (prodA > PRODUCT_RESCALE) {
          logA -= log(prodA);
          prodA = 1;
        }
        if (prodB > PRODUCT_RESCALE) {
          logB -= log(prodB);
          prodB = 1;
        }
      }
      storeCredit(credit, prob, j, firedA, logA - log(prodA), logActual);
      storeCredit(credit, prob, j + 1, firedB, logB - log(prodB), logActual);
    }
  }
  for (; j < width; j++) {
    const fired = load<u8>(sample + <usize>j) == 1;
    const offset = fired ? offset1 : offset0;
    const row = table + <usize>j * rowBytes;
    let logFlipped: f64 = 0;
    let product: f64 = 1;
    for (let start = 0; start < childWidth; start += BLOCK) {
      const end = min(start + BLOCK, childWidth);
      if (mayClip) {
        for (let c = start; c < end; c++) {
          let f = factorAt(t, row, offset, c);
          f = f < FACTOR_MIN ? FACTOR_MIN : f > FACTOR_MAX ? FACTOR_MAX : f;
          product *= f;
        }
      } else {
        // lanes (p0, p1) and (p2, p3): the JS loop's four partial products
        let p01 = f64x2.splat(1);
        let p23 = f64x2.splat(1);
        let c = start;
        for (; c + 3 < end; c += 4) {
          p01 = f64x2.mul(p01, factorPair(v128.load(t + (<usize>c << 3)), row, offset, c));
          p23 = f64x2.mul(p23, factorPair(v128.load(t + (<usize>c << 3), 16), row, offset, c + 2));
        }
        let p0 = f64x2.extract_lane(p01, 0);
        for (; c < end; c++) p0 *= factorAt(t, row, offset, c);
        product *= p0 * f64x2.extract_lane(p01, 1) * (f64x2.extract_lane(p23, 0) * f64x2.extract_lane(p23, 1));
      }
      if (product > PRODUCT_RESCALE) {
        logFlipped -= log(product);
        product = 1;
      }
    }
    storeCredit(credit, prob, j, fired, logFlipped - log(product), logActual);
  }
}
