// AssemblyScript source of the CPU engine's WASM SIMD kernels (src/simd/). Built by
// `node --import tsx scripts/build-wasm.ts` into src/simd/kernels.wasm.ts (base64);
// tests/simd-kernels.test.ts checks that the committed module is this source's build and that
// every kernel equals its JavaScript reference bit for bit.
//
// Every kernel but the VAE's float32 path (its own section below) computes exactly what its JS
// twin computes, in the same float64 operations in the same order per output element: SIMD runs across independent columns (f64x2: two columns
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
 * Returns Σ g² summed in index order (the variance metric's term, docs/math.md §4).
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

/** Math.exp of V8 (fdlibm, below): probabilities match the JS path bit for bit without a call into JS. */
@inline function exp(x: f64): f64 {
  return fdlibmExp(x);
}

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

/** Math.log of V8 (fdlibm, below; as exp above). */
@inline function log(x: f64): f64 {
  return fdlibmLog(x);
}

const FACTOR_MIN: f64 = 1 / PROB_MAX;
const FACTOR_MAX: f64 = 1 / PROB_MIN;
const PRODUCT_RESCALE: f64 = 1e100;
const BLOCK: i32 = 32;

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

/** 2^-332 (≈ 1.1e-100): a product above PRODUCT_RESCALE is scaled by it exactly, and the scale counted. */
const RESCALE_DOWN: f64 = reinterpret<f64>(<u64>(1023 - 332) << 52);
/** 2^332 */
const RESCALE_UP: f64 = reinterpret<f64>(<u64>(1023 + 332) << 52);

/**
 * rho(1) − rho(0) from p and the ratio Q0/Q1 = q0/q1 of two positive numbers (src/models/bandit/messages.ts
 * rhoDifferenceOfRatio): the two forms of rhoDifference with e^D = q0/q1 or e^−D = q1/q0, whichever is ≤ 1.
 */
@inline function rhoDifferenceOfRatio(p: f64, q0: f64, q1: f64): f64 {
  if (q0 <= q1) {
    const e = q0 / q1;
    return (1 - e) / (p + (1 - p) * e);
  }
  const e = q1 / q0;
  return (e - 1) / (p * e + (1 - p));
}

/**
 * The credit of parent j from the products of its children's inverse probabilities, actual
 * (actual · 2^(332·actualScale)) and flipped (flipped · 2^(332·flippedScale)): Q_flipped/Q_actual
 * = actual/flipped (src/models/bandit/messages.ts creditOfProducts).
 */
@inline function storeCredit(credit: usize, prob: usize, j: i32, fired: bool, flipped: f64, flippedScale: i32, actual: f64, actualScale: i32): void {
  let qFlipped = actual;
  let qActual = flipped;
  for (let k = flippedScale; k < actualScale; k++) qFlipped *= RESCALE_UP;
  for (let k = actualScale; k < flippedScale; k++) qActual *= RESCALE_UP;
  const p = load<f64>(prob + (<usize>j << 3));
  // φ_j = 1: Q1 is the actual children's probability, Q0 the flipped one; φ_j = 0 the other way
  store<f64>(credit + (<usize>j << 3), fired ? rhoDifferenceOfRatio(p, qFlipped, qActual) : rhoDifferenceOfRatio(p, qActual, qFlipped));
}

/**
 * The fast (table) path of bernoulliChildrenCredit (src/models/bandit/messages.ts) for one
 * example: per parent j < width, the product over children of the flipped factors
 * f_c = 1 + t[c]·table[2j·childWidth + offset_c] (offset0 when φ_j = 0, offset1 when φ_j = 1;
 * clamped to [1/PROB_MAX, 1/PROB_MIN] when mayClip), in blocks of 32 with the JS loop's four
 * partial products, scaled by 2^−332 above 1e100; credit[j] from the ratio of the actual product
 * (actual · 2^(332·actualScale)) to it: Q_flipped/Q_actual, no exp or log per parent.
 * sample: uint8 [width]; prob, credit: float64 [width]; t: float64 [childWidth]; offsets int32.
 */
function childrenCreditExample(table: usize, t: usize, offset0: usize, offset1: usize, sample: usize, prob: usize, width: i32, childWidth: i32, mayClip: i32, actual: f64, actualScale: i32, credit: usize): void {
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
      let scaleA: i32 = 0;
      let scaleB: i32 = 0;
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
          prodA *= RESCALE_DOWN;
          scaleA++;
        }
        if (prodB > PRODUCT_RESCALE) {
          prodB *= RESCALE_DOWN;
          scaleB++;
        }
      }
      storeCredit(credit, prob, j, firedA, prodA, scaleA, actual, actualScale);
      storeCredit(credit, prob, j + 1, firedB, prodB, scaleB, actual, actualScale);
    }
  }
  for (; j < width; j++) {
    const fired = load<u8>(sample + <usize>j) == 1;
    const offset = fired ? offset1 : offset0;
    const row = table + <usize>j * rowBytes;
    let scale: i32 = 0;
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
        product *= RESCALE_DOWN;
        scale++;
      }
    }
    storeCredit(credit, prob, j, fired, product, scale, actual, actualScale);
  }
}

/** log 2^332 (nats), as the JS path computes it (332 · Math.LN2) */
const RESCALE_LOG: f64 = 332 * 0.6931471805599453;
/** |u| + shift beyond which the table products may overflow (messages.ts FAST_EXPONENT) */
const FAST_EXPONENT: f64 = 600;

/**
 * bernoulliChildrenCredit (src/models/bandit/messages.ts) for one example, the same operations:
 * per child c, t[c] = exp(−s_c u_c) (s_c = 2·childSample[c] − 1), the table offsets of both parent
 * values, the product of clamp(1 + t[c]) scaled by 2^−332 above 1e100, and whether some child may
 * clip (|u| + maxShift[c] ≥ logitClip) or the products may overflow (> 600); logQActual[0] =
 * −(log product + scales · 332 ln 2). Then, unless they may overflow, every parent's credit
 * (childrenCreditExample). Returns 1 when the example needs the log-domain path (credit not
 * written), else 0. childLogit float64 and childSample uint8 [childWidth]; t float64, offset0/1
 * int32 [childWidth] (scratch); sample uint8, prob and credit float64 [width].
 */
export function bernoulliCreditExample(table: usize, maxShift: usize, childLogit: usize, childSample: usize, t: usize, offset0: usize, offset1: usize, sample: usize, prob: usize, width: i32, childWidth: i32, logitClip: f64, credit: usize, logQActual: usize): i32 {
  let actual: f64 = 1;
  let actualScale: i32 = 0;
  let mayClip = false;
  let fast = true;
  for (let c = 0; c < childWidth; c++) {
    const positive = load<u8>(childSample + <usize>c) == 1;
    const u = load<f64>(childLogit + (<usize>c << 3));
    const reach = abs(u) + load<f64>(maxShift + (<usize>c << 3));
    if (reach >= logitClip) mayClip = true;
    if (reach > FAST_EXPONENT) fast = false;
    const tc = exp(positive ? -u : u);
    store<f64>(t + (<usize>c << 3), tc);
    store<i32>(offset0 + (<usize>c << 2), 2 * c + (positive ? 1 : 0));
    store<i32>(offset1 + (<usize>c << 2), 2 * c + (positive ? 0 : 1));
    let f = 1 + tc;
    f = f < FACTOR_MIN ? FACTOR_MIN : f > FACTOR_MAX ? FACTOR_MAX : f;
    actual *= f;
    if (actual > PRODUCT_RESCALE) {
      actual *= RESCALE_DOWN;
      actualScale++;
    }
  }
  store<f64>(logQActual, -(log(actual) + <f64>actualScale * RESCALE_LOG));
  if (!fast) return 1;
  childrenCreditExample(table, t, offset0, offset1, sample, prob, width, childWidth, mayClip ? 1 : 0, actual, actualScale, credit);
  return 0;
}

/**
 * The table path of softmaxChildCredit (src/models/bandit/messages.ts) for one example, the same
 * operations: e_k = exp(z_k − max) into ex[k] and their sum; per parent j the flipped sum
 * Σ_k e_k·table[2(j·actions + k) + slot] (slot 1 when φ_j = 1) and credit[j] from
 * π'(a)/π(a) = table[2(j·actions + a) + slot]·Σe / flipped sum. z float64 [actions];
 * sample uint8, prob and credit float64 [width]; ex float64 [actions] (scratch).
 */
export function softmaxCreditExample(prob: usize, sample: usize, width: i32, z: usize, actions: i32, a: i32, max: f64, table: usize, credit: usize, ex: usize): void {
  let sum: f64 = 0;
  for (let k = 0; k < actions; k++) {
    const e = exp(load<f64>(z + (<usize>k << 3)) - max);
    store<f64>(ex + (<usize>k << 3), e);
    sum += e;
  }
  const rowBytes = (<usize>(2 * actions)) << 3;
  for (let j = 0; j < width; j++) {
    const fired = load<u8>(sample + <usize>j) == 1;
    const row = table + <usize>j * rowBytes + (fired ? 8 : 0);
    let flippedSum: f64 = 0;
    for (let k = 0; k < actions; k++) flippedSum += load<f64>(ex + (<usize>k << 3)) * load<f64>(row + (<usize>k << 4));
    const qFlipped = load<f64>(row + (<usize>a << 4)) * sum;
    const p = load<f64>(prob + (<usize>j << 3));
    store<f64>(credit + (<usize>j << 3), fired ? rhoDifferenceOfRatio(p, qFlipped, flippedSum) : rhoDifferenceOfRatio(p, flippedSum, qFlipped));
  }
}

// ---- fdlibm's exp and log (the algorithms of V8's Math.exp / Math.log, src/base/ieee754.cc),
// in the same float64 operations, so the kernels need no call into JavaScript per value;
// tests/simd-kernels.test.ts checks them against Math.exp / Math.log bit for bit.

/** fdlibm __ieee754_exp (with V8's exact e for x = 1). */
function fdlibmExp(x: f64): f64 {
  const o_threshold: f64 = 7.09782712893383973096e+02;
  const u_threshold: f64 = -7.45133219101941108420e+02;
  const ln2HI: f64 = 6.93147180369123816490e-01;
  const ln2LO: f64 = 1.90821492927058770002e-10;
  const invln2: f64 = 1.44269504088896338700e+00;
  const P1: f64 = 1.66666666666666019037e-01;
  const P2: f64 = -2.77777777770155933842e-03;
  const P3: f64 = 6.61375632143793436117e-05;
  const P4: f64 = -1.65339022054652515390e-06;
  const P5: f64 = 4.13813679705723846039e-08;
  const twom1000: f64 = 9.33263618503218878990e-302;
  const two1023: f64 = 8.988465674311579539e307;
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  let hx = <u32>(reinterpret<u64>(x) >> 32);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>reinterpret<u64>(x)) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > o_threshold) return Infinity;
    if (x < u_threshold) return 0.0;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (x == 1.0) return 2.718281828459045;
      hi = xsb ? x + ln2HI : x - ln2HI;
      lo = xsb ? -ln2LO : ln2LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(invln2 * x + (xsb ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * ln2HI;
      lo = t * ln2LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x;
  }
  const t = x * x;
  const twopk = k >= -1021
    ? reinterpret<f64>(<u64>(<u32>(0x3ff00000 + (k << 20))) << 32)
    : reinterpret<f64>(<u64>(<u32>(0x3ff00000 + ((k + 1000) << 20))) << 32);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

// fdlibm's log and log1p constants (the same polynomial: Lg_i of e_log.c = Lp_i of s_log1p.c)
const ln2_hi: f64 = 6.93147180369123816490e-01;
const ln2_lo: f64 = 1.90821492927058770002e-10;
const two54: f64 = 1.80143985094819840000e+16;
const Lg1: f64 = 6.666666666666735130e-01;
const Lg2: f64 = 3.999999999940941908e-01;
const Lg3: f64 = 2.857142874366239149e-01;
const Lg4: f64 = 2.222219843214978396e-01;
const Lg5: f64 = 1.818357216161805012e-01;
const Lg6: f64 = 1.531383769920937332e-01;
const Lg7: f64 = 1.479819860511658591e-01;

/** fdlibm __ieee754_log. */
function fdlibmLog(x: f64): f64 {
  let hx = <i32>(reinterpret<u64>(x) >> 32);
  const lx = <u32>reinterpret<u64>(x);
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= two54;
    hx = <i32>(reinterpret<u64>(x) >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i: i32 = (hx + 0x95f64) & 0x100000;
  x = reinterpret<f64>((<u64>(<u32>(hx | (i ^ 0x3ff00000))) << 32) | (reinterpret<u64>(x) & 0xffffffff));
  k += i >> 20;
  const f = x - 1.0;
  let dk: f64;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) {
      if (k == 0) return 0;
      dk = <f64>k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = <f64>k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  const s = f / (2.0 + f);
  dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j: i32 = 0x6b851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

/**
 * fdlibmExp of both lanes with the same float64 operations, for lanes where fdlibm takes its
 * regular path: 2^−28 ≤ |x| < 700 and x ≠ 1 (expPairRegular); callers use the scalar for others.
 * The argument reduction k = 0, ±1 (|x| < 1.5 ln 2) or trunc(x/ln 2 ± 1/2) is chosen per lane
 * from the high word as fdlibm does.
 */
@inline function expPair(x: v128): v128 {
  const ln2HI = f64x2.splat(6.93147180369123816490e-01);
  const ln2LO = f64x2.splat(1.90821492927058770002e-10);
  const hx = v128.and(i64x2.shr_u(x, 32), i64x2.splat(0x7fffffff));
  const negative = i64x2.lt_s(x, i64x2.splat(0));
  const half = v128.bitselect(f64x2.splat(-0.5), f64x2.splat(0.5), negative);
  const kBig = f64x2.trunc(f64x2.add(f64x2.mul(f64x2.splat(1.44269504088896338700e+00), x), half));
  const kSmall = v128.bitselect(f64x2.splat(-1), f64x2.splat(1), negative);
  const reduced = i64x2.gt_s(hx, i64x2.splat(0x3fd62e42));
  const small = i64x2.lt_s(hx, i64x2.splat(0x3ff0a2b2));
  const kf = v128.and(v128.bitselect(kSmall, kBig, small), reduced);
  const hi = f64x2.sub(x, f64x2.mul(kf, ln2HI));
  const lo = f64x2.mul(kf, ln2LO);
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let poly = f64x2.add(f64x2.splat(-1.65339022054652515390e-06), f64x2.mul(t, f64x2.splat(4.13813679705723846039e-08)));
  poly = f64x2.add(f64x2.splat(6.61375632143793436117e-05), f64x2.mul(t, poly));
  poly = f64x2.add(f64x2.splat(-2.77777777770155933842e-03), f64x2.mul(t, poly));
  poly = f64x2.add(f64x2.splat(1.66666666666666019037e-01), f64x2.mul(t, poly));
  const c = f64x2.sub(r, f64x2.mul(t, poly));
  const rc = f64x2.mul(r, c);
  // k ≠ 0: (1 − ((lo − r·c/(2 − c)) − hi))·2^k. For k = 0 this is fdlibm's 1 − (r·c/(c − 2) − r)
  // exactly: lo = 0, hi = r, 0 − q = −q = r·c/(c − 2), and 2^0 = 1.
  const q = f64x2.div(rc, f64x2.sub(f64x2.splat(2), c));
  const y = f64x2.sub(f64x2.splat(1), f64x2.sub(f64x2.sub(lo, q), hi));
  // k from kf exactly: kf + 1.5·2^52 holds k in its low mantissa bits
  const magic = f64x2.splat(6755399441055744.0);
  const k = i64x2.sub(f64x2.add(kf, magic), magic);
  return f64x2.mul(y, i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52));
}

/** Whether both lanes of x take fdlibm's regular path (expPair): 2^−28 ≤ |x| < 700 and x ≠ 1. */
@inline function expPairRegular(x: v128): bool {
  const a = f64x2.abs(x);
  const ok = v128.and(v128.and(f64x2.lt(a, f64x2.splat(700)), f64x2.ge(a, f64x2.splat(3.725290298461914e-9))), f64x2.ne(x, f64x2.splat(1)));
  return i64x2.all_true(ok);
}

/** exp of both lanes: expPair where both are regular, else fdlibmExp per lane (the same values). */
@inline function expBoth(x: v128): v128 {
  if (expPairRegular(x)) return expPair(x);
  return f64x2.replace_lane(f64x2.splat(fdlibmExp(f64x2.extract_lane(x, 0))), 1, fdlibmExp(f64x2.extract_lane(x, 1)));
}

/** exp of each of n float64 values (src to dst, may alias), two at a time: equal to Math.exp bit for bit. */
export function expF64Array(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(dst + (<usize>i << 3), expBoth(v128.load(src + (<usize>i << 3))));
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), fdlibmExp(load<f64>(src + (<usize>i << 3))));
}

/**
 * FlipTables.fill (src/models/units/flipTables.ts) for float32 weights w [rows, cols]: table
 * [rows, cols, 2] = exp(m·w), 1/exp(m·w); maxShift[c] = max_j m·|w[j, c]|; rowSum[j] = Σ_c w[j, c]
 * (c in order). Returns max_c maxShift[c]. The same operations as the JS loop.
 */
export function fillFlipTablesF32(w: usize, rows: i32, cols: i32, magnitude: f64, table: usize, maxShift: usize, rowSum: usize): f64 {
  const m = f64x2.splat(magnitude);
  const one = f64x2.splat(1);
  memory.fill(maxShift, 0, <usize>cols << 3);
  for (let j = 0; j < rows; j++) {
    const e0 = <usize>j * <usize>cols;
    let sum: f64 = 0;
    let c = 0;
    for (; c + 1 < cols; c += 2) {
      const e = e0 + <usize>c;
      const w01 = loadF32x2(w + (e << 2));
      sum += f64x2.extract_lane(w01, 0);
      sum += f64x2.extract_lane(w01, 1);
      const x = expBoth(f64x2.mul(m, w01));
      const inv = f64x2.div(one, x);
      v128.store(table + (e << 4), v128.shuffle<f64>(x, inv, 0, 2));
      v128.store(table + (e << 4), v128.shuffle<f64>(x, inv, 1, 3), 16);
      const at = maxShift + (<usize>c << 3);
      v128.store(at, f64x2.pmax(v128.load(at), f64x2.mul(m, f64x2.abs(w01))));
    }
    for (; c < cols; c++) {
      const e = e0 + <usize>c;
      const w0 = <f64>load<f32>(w + (e << 2));
      sum += w0;
      const x = fdlibmExp(magnitude * w0);
      store<f64>(table + (e << 4), x);
      store<f64>(table + (e << 4), 1 / x, 8);
      const shift = magnitude * abs(w0);
      const at = maxShift + (<usize>c << 3);
      if (shift > load<f64>(at)) store<f64>(at, shift);
    }
    store<f64>(rowSum + (<usize>j << 3), sum);
  }
  let largest: f64 = 0;
  for (let c = 0; c < cols; c++) {
    const shift = load<f64>(maxShift + (<usize>c << 3));
    if (shift > largest) largest = shift;
  }
  return largest;
}

/** Math.exp of fdlibm, exported for the bit-identity test. */
export function expF64(x: f64): f64 {
  return fdlibmExp(x);
}

/** Math.log of fdlibm, exported for the bit-identity test. */
export function logF64(x: f64): f64 {
  return fdlibmLog(x);
}

/**
 * The logits of a layer fed by hidden samples for a whole batch (src/models/bandit/forward.ts
 * hiddenInputLogits): base[i] = bias[i] − Σ_j W[j,i] (j in order; ±1 values only, else bias),
 * then per example b out[b·width + i] = base[i] + scale · Σ_{fired j} W[j,i] (sumRowsF32's sums).
 * w float32 [inWidth, width]; bias float32 [width]; sample uint8 [batch, inWidth]; out float64
 * [batch, width]; base float64 [width]; selected int32 [inWidth] (scratch).
 */
export function hiddenLogits(w: usize, bias: usize, sample: usize, inWidth: i32, width: i32, centered: i32, batch: i32, out: usize, base: usize, selected: usize): void {
  let i = 0;
  for (; i + 1 < width; i += 2) {
    let acc = loadF32x2(bias + (<usize>i << 2));
    if (centered) {
      for (let j = 0; j < inWidth; j++) acc = f64x2.sub(acc, loadF32x2(w + ((<usize>j * <usize>width + <usize>i) << 2)));
    }
    v128.store(base + (<usize>i << 3), acc);
  }
  for (; i < width; i++) {
    let acc = <f64>load<f32>(bias + (<usize>i << 2));
    if (centered) {
      for (let j = 0; j < inWidth; j++) acc -= <f64>load<f32>(w + ((<usize>j * <usize>width + <usize>i) << 2));
    }
    store<f64>(base + (<usize>i << 3), acc);
  }
  const scale: f64 = centered ? 2 : 1;
  for (let b = 0; b < batch; b++) {
    const row = sample + <usize>b * <usize>inWidth;
    let n = 0;
    for (let j = 0; j < inWidth; j++) {
      store<i32>(selected + (<usize>n << 2), j * width);
      n += load<u8>(row + <usize>j) == 1 ? 1 : 0;
    }
    sumRowsF32(w, selected, n, width, out + ((<usize>b * <usize>width) << 3), scale, base, 2);
  }
}

/**
 * gradB[i] = Σ_b signal[b·width + i] · inv (b in order) and squares[b] = Σ_i signal[b·width + i]²
 * (i in order): src/models/bandit/gradients.ts biasGradient. signal float64 [batch, width].
 */
export function biasGradient(gradB: usize, signal: usize, width: i32, batch: i32, inv: f64, squares: usize): void {
  const invv = f64x2.splat(inv);
  memory.fill(gradB, 0, <usize>width << 3);
  for (let b = 0; b < batch; b++) {
    const row = signal + ((<usize>b * <usize>width) << 3);
    let ss: f64 = 0;
    let i = 0;
    for (; i + 1 < width; i += 2) {
      const s = v128.load(row + (<usize>i << 3));
      const sq = f64x2.mul(s, s);
      ss += f64x2.extract_lane(sq, 0);
      ss += f64x2.extract_lane(sq, 1);
      const g = gradB + (<usize>i << 3);
      v128.store(g, f64x2.add(v128.load(g), f64x2.mul(s, invv)));
    }
    for (; i < width; i++) {
      const s = load<f64>(row + (<usize>i << 3));
      ss += s * s;
      const g = gradB + (<usize>i << 3);
      store<f64>(g, load<f64>(g) + s * inv);
    }
    store<f64>(squares + (<usize>b << 3), ss);
  }
}

/**
 * The gradient of a layer fed by hidden samples (src/models/bandit/gradients.ts
 * hiddenInputGradient, the same operations in the same order): gradB and squares as biasGradient,
 * negBias = −gradB, per input j gradW[j,:] = scale · Σ_{b: φ_bj = 1} signal[b,:] + (negBias when
 * ±1). Returns Σ_b squares[b] · (inputs_b + 1) / batch. selected int32 [batch] (scratch).
 */
export function hiddenGradient(gradW: usize, gradB: usize, signal: usize, width: i32, sample: usize, inWidth: i32, centered: i32, batch: i32, squares: usize, negBias: usize, selected: usize): f64 {
  const inv: f64 = 1 / <f64>batch;
  biasGradient(gradB, signal, width, batch, inv, squares);
  let second: f64 = 0;
  for (let b = 0; b < batch; b++) {
    let fired = 0;
    if (!centered) {
      const row = sample + <usize>b * <usize>inWidth;
      for (let j = 0; j < inWidth; j++) fired += <i32>load<u8>(row + <usize>j);
    }
    second += load<f64>(squares + (<usize>b << 3)) * (<f64>(centered ? inWidth : fired) + 1);
  }
  for (let i = 0; i < width; i++) store<f64>(negBias + (<usize>i << 3), -load<f64>(gradB + (<usize>i << 3)));
  const scale: f64 = centered ? 2 * inv : inv;
  for (let j = 0; j < inWidth; j++) {
    let n = 0;
    for (let b = 0; b < batch; b++) {
      store<i32>(selected + (<usize>n << 2), b * width);
      n += load<u8>(sample + <usize>b * <usize>inWidth + <usize>j) == 1 ? 1 : 0;
    }
    sumRowsF64(signal, selected, n, width, gradW + ((<usize>j * <usize>width) << 3), scale, negBias, centered ? 2 : 0);
  }
  return second * inv;
}

/**
 * Per input j < inputs, gradW[j,:] = scale · Σ_{k in start[j] .. start[j+1]) signal[list[k],:]:
 * the sparse first layer's weight gradient (src/models/bandit/gradients.ts sparseInputGradient,
 * its CSR of pixel → examples). start int32 [inputs + 1], list int32 element offsets.
 */
export function csrRowSums(gradW: usize, signal: usize, start: usize, list: usize, inputs: i32, width: i32, scale: f64): void {
  for (let j = 0; j < inputs; j++) {
    const first = load<i32>(start + (<usize>j << 2));
    const count = load<i32>(start + (<usize>j << 2), 4) - first;
    sumRowsF64(signal, list + (<usize>first << 2), count, width, gradW + ((<usize>j * <usize>width) << 3), scale, 0, 0);
  }
}

// ---- The discrete VAE (src/models/vae/, docs/math.md §3) ----------------------------------
// One example at a time as the JavaScript loops, or a slab of examples at once where that keeps
// a flip table in cache (vae*Slab): SIMD across the independent output columns (or across
// parents of a flip), never across a sum's or product's terms, so each kernel here equals its JS
// twin bit for bit (tests/vae-simd.test.ts).
// Precision (issue 23): the dense sums, the units and Adam take the float32 path (the section at
// the end of this file); the flip kernels below stay float64, bit for bit their JS twins: f-HNCA's
// chunked products of up to 64 factors each within e^±|w| rely on float64's range (e^±709), where
// float32's e^±88 would cut the chunks about eightfold, one log per few factors.

/**
 * draws.ts RngDraws.bernoulli (antithetic = 0) and antithetic (1): with u = uniform(key, base + i)
 * (src/rng/counterRng.ts: (hash32(key ^ hash32(index)) >>> 8) · 2^−24, exact in float64),
 * out[i] = [u < p[i]], or out[i] = [1 − u < p[i]] and anti[i] = [u < p[i]], for i < n. p float64;
 * out, anti uint8. The same comparisons as JS, so the same samples.
 */
export function vaeBernoulli(key: u32, base: u32, p: usize, n: i32, out: usize, antithetic: i32, anti: usize): void {
  for (let i = 0; i < n; i++) {
    const u = <f64>(hash32(key ^ hash32(base + <u32>i)) >>> 8) * 5.9604644775390625e-8;
    const pi = load<f64>(p + (<usize>i << 3));
    if (antithetic) {
      store<u8>(out + <usize>i, 1 - u < pi ? 1 : 0);
      store<u8>(anti + <usize>i, u < pi ? 1 : 0);
    } else store<u8>(out + <usize>i, u < pi ? 1 : 0);
  }
}

/** gradients.ts addRows: gB[i] += g[i]; gW[on[k]·n + i] += g[i] for every k (float64 [n], [inputs, n]). */
export function vaeAddRows(g: usize, n: i32, on: usize, onCount: i32, gW: usize, gB: usize): void {
  addVector(gB, g, n);
  for (let k = 0; k < onCount; k++) addVector(gW + ((<usize>load<i32>(on + (<usize>k << 2)) * <usize>n) << 3), g, n);
}

@inline function addVector(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const d = dst + (<usize>i << 3);
    const s = src + (<usize>i << 3);
    v128.store(d, f64x2.add(v128.load(d), v128.load(s)));
    v128.store(d, f64x2.add(v128.load(d, 16), v128.load(s, 16)), 16);
  }
  for (; i < n; i++) {
    const d = dst + (<usize>i << 3);
    store<f64>(d, load<f64>(d) + load<f64>(src + (<usize>i << 3)));
  }
}

/** Σ_k w[r + on[k]] in order (float32 w, float64 sum). */
@inline function onRowSum(w: usize, r: usize, on: usize, onCount: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < onCount; k++) s += <f64>load<f32>(w + ((r + <usize>load<i32>(on + (<usize>k << 2))) << 2));
  return s;
}

/** The flip table entry e^{−Δw} of edge (row r, child c) for parent value `parentOn`. */
@inline function flipEntry(table: usize, r: usize, c: i32, parentOn: bool): f64 {
  return load<f64>(table + (((r + <usize>c) << 4) + (parentOn ? 0 : 8)));
}

// ---- f-HNCA's flips for a slab of examples at once: the chunk of K children is the outer loop,
// so its block of the flip table ([parents, K, 2], a few hundred KB) stays in cache for every
// example of the slab instead of the whole table streaming from memory once per example. Each
// (example, parent)'s products, logs and sums take exactly vaeFlipDecoder's / vaeFlipEncoder's
// operations in the same order; the running sums wait in the output arrays between chunks.
// Per example b, rec[8b ..] holds int32 byte offsets: parents, p, q, on, onCount (a value),
// out (decoder) or outLogQ and ut, outEnt (encoder), as named below.

const REC: usize = 32;

/** Address of parent j's flip entry e^{−Δw} for child 0 (flipEntry(table, j·nChildren, 0, parent j on)); child c at + 16c. */
@inline function flipRow(table: usize, parents: usize, j: i32, nChildren: i32): usize {
  return table + ((<usize>j * <usize>nChildren) << 4) + (load<u8>(parents + <usize>j) == 1 ? 0 : 8);
}

/**
 * fdlibmLog of both lanes with the same float64 operations, for lanes where fdlibm takes its
 * general path: x positive and normal (not 0, subnormal, ∞ or NaN) and not within 2^−20 of a
 * power of two's mantissa 1 ((hx + 2) & 0xfffff < 3, fdlibm's |f| < 2^−20 branch); each lane's
 * branches (i > 0, k = 0) are selected per lane after computing both. Callers: logBoth.
 */
@inline function logPair(x: v128): v128 {
  const hx = i64x2.shr_u(x, 32);
  const low = v128.and(x, i64x2.splat(0xffffffff));
  const m = v128.and(hx, i64x2.splat(0x000fffff));
  const i = v128.and(i64x2.add(m, i64x2.splat(0x95f64)), i64x2.splat(0x100000));
  const xr = v128.or(i64x2.shl(v128.or(m, v128.xor(i, i64x2.splat(0x3ff00000))), 32), low);
  const k = i64x2.add(i64x2.sub(i64x2.shr_s(hx, 20), i64x2.splat(1023)), i64x2.shr_s(i, 20));
  const f = f64x2.sub(xr, f64x2.splat(1.0));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  // k as float64 exactly: |k| < 2^11, so k + 1.5·2^52 holds it in the low mantissa bits
  const magic = f64x2.splat(6755399441055744.0);
  const dk = f64x2.sub(i64x2.add(magic, k), magic);
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(Lg2), f64x2.mul(w, f64x2.add(f64x2.splat(Lg4), f64x2.mul(w, f64x2.splat(Lg6))))));
  const t2 = f64x2.mul(z, f64x2.add(f64x2.splat(Lg1), f64x2.mul(w, f64x2.add(f64x2.splat(Lg3), f64x2.mul(w, f64x2.add(f64x2.splat(Lg5), f64x2.mul(w, f64x2.splat(Lg7))))))));
  const R = f64x2.add(t2, t1);
  const big = i64x2.gt_s(v128.or(i64x2.sub(m, i64x2.splat(0x6147a)), i64x2.sub(i64x2.splat(0x6b851), m)), i64x2.splat(0));
  const kZero = i64x2.eq(k, i64x2.splat(0));
  const hi = f64x2.mul(dk, f64x2.splat(ln2_hi));
  const lo = f64x2.mul(dk, f64x2.splat(ln2_lo));
  // i > 0
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const sh = f64x2.mul(s, f64x2.add(hfsq, R));
  const a0 = f64x2.sub(f, f64x2.sub(hfsq, sh));
  const a1 = f64x2.sub(hi, f64x2.sub(f64x2.sub(hfsq, f64x2.add(sh, lo)), f));
  // i ≤ 0
  const sf = f64x2.mul(s, f64x2.sub(f, R));
  const b0 = f64x2.sub(f, sf);
  const b1 = f64x2.sub(hi, f64x2.sub(f64x2.sub(sf, lo), f));
  return v128.bitselect(v128.bitselect(a0, a1, kZero), v128.bitselect(b0, b1, kZero), big);
}

/** Whether both lanes of x take fdlibm log's general path (logPair). */
@inline function logPairRegular(x: v128): bool {
  const hx = i64x2.shr_u(x, 32);
  const normal = v128.and(i64x2.ge_s(hx, i64x2.splat(0x00100000)), i64x2.lt_s(hx, i64x2.splat(0x7ff00000)));
  const notNearOne = i64x2.ge_s(v128.and(i64x2.add(hx, i64x2.splat(2)), i64x2.splat(0x000fffff)), i64x2.splat(3));
  return i64x2.all_true(v128.and(normal, notNearOne));
}

/** log of both lanes: logPair where both are regular, else fdlibmLog per lane (the same values). */
@inline function logBoth(x: v128): v128 {
  if (logPairRegular(x)) return logPair(x);
  return f64x2.replace_lane(f64x2.splat(fdlibmLog(f64x2.extract_lane(x, 0))), 1, fdlibmLog(f64x2.extract_lane(x, 1)));
}

/** log of each of n float64 values (src to dst, may alias), two at a time: equal to Math.log bit for bit. */
export function logF64Array(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(dst + (<usize>i << 3), logBoth(v128.load(src + (<usize>i << 3))));
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), fdlibmLog(load<f64>(src + (<usize>i << 3))));
}

/**
 * vaeFlipDecoder for n examples sharing w, table, rowSum: rec[8b] = parents, +1 p, +2 q, +3 on,
 * +4 onCount, +5 out (offsets; onCount the number).
 */
export function vaeFlipDecoderSlab(w: usize, table: usize, rowSum: usize, nParents: i32, nChildren: i32, K: i32, n: i32, rec: usize): void {
  for (let b = 0; b < n; b++) memory.fill(<usize>load<i32>(rec + <usize>b * REC, 20), 0, <usize>nParents << 3);
  for (let c0 = 0; c0 < nChildren; c0 += K) {
    const end = c0 + K < nChildren ? c0 + K : nChildren;
    for (let b = 0; b < n; b++) {
      const r = rec + <usize>b * REC;
      const parents = <usize>load<i32>(r);
      const p = <usize>load<i32>(r, 4);
      const q = <usize>load<i32>(r, 8);
      const out = <usize>load<i32>(r, 20);
      let j = 0;
      // eight parents (four independent products) at a time: the multiplications' latency overlaps
      for (; j + 7 < nParents; j += 8) {
        const t0 = flipRow(table, parents, j, nChildren);
        const t1 = flipRow(table, parents, j + 1, nChildren);
        const t2 = flipRow(table, parents, j + 2, nChildren);
        const t3 = flipRow(table, parents, j + 3, nChildren);
        const t4 = flipRow(table, parents, j + 4, nChildren);
        const t5 = flipRow(table, parents, j + 5, nChildren);
        const t6 = flipRow(table, parents, j + 6, nChildren);
        const t7 = flipRow(table, parents, j + 7, nChildren);
        let prod0 = f64x2.splat(1);
        let prod1 = f64x2.splat(1);
        let prod2 = f64x2.splat(1);
        let prod3 = f64x2.splat(1);
        for (let c = c0; c < end; c++) {
          const at = <usize>c << 4;
          const pc = f64x2.splat(load<f64>(p + (<usize>c << 3)));
          const qc = f64x2.splat(load<f64>(q + (<usize>c << 3)));
          prod0 = f64x2.mul(prod0, f64x2.add(pc, f64x2.mul(qc, v128.load64_lane(t1 + at, v128.load64_zero(t0 + at), 1))));
          prod1 = f64x2.mul(prod1, f64x2.add(pc, f64x2.mul(qc, v128.load64_lane(t3 + at, v128.load64_zero(t2 + at), 1))));
          prod2 = f64x2.mul(prod2, f64x2.add(pc, f64x2.mul(qc, v128.load64_lane(t5 + at, v128.load64_zero(t4 + at), 1))));
          prod3 = f64x2.mul(prod3, f64x2.add(pc, f64x2.mul(qc, v128.load64_lane(t7 + at, v128.load64_zero(t6 + at), 1))));
        }
        const o = out + (<usize>j << 3);
        v128.store(o, f64x2.add(v128.load(o), logBoth(prod0)));
        v128.store(o, f64x2.add(v128.load(o, 16), logBoth(prod1)), 16);
        v128.store(o, f64x2.add(v128.load(o, 32), logBoth(prod2)), 32);
        v128.store(o, f64x2.add(v128.load(o, 48), logBoth(prod3)), 48);
      }
      for (; j + 1 < nParents; j += 2) {
        const r0 = <usize>j * <usize>nChildren;
        const r1 = r0 + <usize>nChildren;
        const on0 = load<u8>(parents + <usize>j) == 1;
        const on1 = load<u8>(parents + <usize>j + 1) == 1;
        let prod = f64x2.splat(1);
        for (let c = c0; c < end; c++) {
          const e = f64x2.replace_lane(f64x2.splat(flipEntry(table, r0, c, on0)), 1, flipEntry(table, r1, c, on1));
          prod = f64x2.mul(prod, f64x2.add(f64x2.splat(load<f64>(p + (<usize>c << 3))), f64x2.mul(f64x2.splat(load<f64>(q + (<usize>c << 3))), e)));
        }
        const o = out + (<usize>j << 3);
        store<f64>(o, load<f64>(o) + fdlibmLog(f64x2.extract_lane(prod, 0)));
        store<f64>(o, load<f64>(o, 8) + fdlibmLog(f64x2.extract_lane(prod, 1)), 8);
      }
      for (; j < nParents; j++) {
        const rj = <usize>j * <usize>nChildren;
        const parentOn = load<u8>(parents + <usize>j) == 1;
        let prod: f64 = 1;
        for (let c = c0; c < end; c++) prod *= load<f64>(p + (<usize>c << 3)) + load<f64>(q + (<usize>c << 3)) * flipEntry(table, rj, c, parentOn);
        const o = out + (<usize>j << 3);
        store<f64>(o, load<f64>(o) + fdlibmLog(prod));
      }
    }
  }
  for (let b = 0; b < n; b++) {
    const r = rec + <usize>b * REC;
    const parents = <usize>load<i32>(r);
    const on = <usize>load<i32>(r, 12);
    const onCount = load<i32>(r, 16);
    const out = <usize>load<i32>(r, 20);
    for (let j = 0; j < nParents; j++) {
      const rj = <usize>j * <usize>nChildren;
      const parentOn = load<u8>(parents + <usize>j) == 1;
      const lin = load<f64>(rowSum + (<usize>j << 3)) - onRowSum(w, rj, on, onCount);
      const o = out + (<usize>j << 3);
      store<f64>(o, -load<f64>(o) - (parentOn ? -lin : lin));
    }
  }
}

/**
 * vaeFlipEncoder's table loop for n examples sharing w, table, rowSum: rec[8b] = parents, +1 p,
 * +2 q, +3 on, +4 onCount, +5 outLogQ, +6 ut, +7 outEnt; basePU float64 [n].
 */
export function vaeFlipEncoderSlab(w: usize, table: usize, rowSum: usize, nParents: i32, nChildren: i32, K: i32, n: i32, rec: usize, basePU: usize): void {
  for (let b = 0; b < n; b++) {
    memory.fill(<usize>load<i32>(rec + <usize>b * REC, 20), 0, <usize>nParents << 3);
    memory.fill(<usize>load<i32>(rec + <usize>b * REC, 28), 0, <usize>nParents << 3);
  }
  for (let c0 = 0; c0 < nChildren; c0 += K) {
    const end = c0 + K < nChildren ? c0 + K : nChildren;
    for (let b = 0; b < n; b++) {
      const r = rec + <usize>b * REC;
      const parents = <usize>load<i32>(r);
      const p = <usize>load<i32>(r, 4);
      const q = <usize>load<i32>(r, 8);
      const logR = <usize>load<i32>(r, 20);
      const ut = <usize>load<i32>(r, 24);
      const sHs = <usize>load<i32>(r, 28);
      let j = 0;
      for (; j + 1 < nParents; j += 2) {
        const r0 = <usize>j * <usize>nChildren;
        const r1 = r0 + <usize>nChildren;
        const on0 = load<u8>(parents + <usize>j) == 1;
        const on1 = load<u8>(parents + <usize>j + 1) == 1;
        const delta = f64x2.replace_lane(f64x2.splat(on0 ? -1 : 1), 1, on1 ? -1 : 1);
        const at = <usize>j << 3;
        let sH = v128.load(sHs + at);
        let prod = f64x2.splat(1);
        for (let c = c0; c < end; c++) {
          const e = f64x2.replace_lane(f64x2.splat(flipEntry(table, r0, c, on0)), 1, flipEntry(table, r1, c, on1));
          const pc = f64x2.splat(load<f64>(p + (<usize>c << 3)));
          const f = f64x2.add(pc, f64x2.mul(f64x2.splat(load<f64>(q + (<usize>c << 3))), e));
          prod = f64x2.mul(prod, f);
          const wv = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(w + ((r0 + <usize>c) << 2))), 1, <f64>load<f32>(w + ((r1 + <usize>c) << 2)));
          const shifted = f64x2.add(f64x2.splat(load<f64>(ut + (<usize>c << 3))), f64x2.mul(delta, wv));
          sH = f64x2.add(sH, f64x2.div(f64x2.mul(shifted, pc), f));
        }
        v128.store(sHs + at, sH);
        store<f64>(logR + at, load<f64>(logR + at) + fdlibmLog(f64x2.extract_lane(prod, 0)));
        store<f64>(logR + at, load<f64>(logR + at, 8) + fdlibmLog(f64x2.extract_lane(prod, 1)), 8);
      }
      for (; j < nParents; j++) {
        const rj = <usize>j * <usize>nChildren;
        const parentOn = load<u8>(parents + <usize>j) == 1;
        const delta: f64 = parentOn ? -1 : 1;
        const at = <usize>j << 3;
        let sH = load<f64>(sHs + at);
        let prod: f64 = 1;
        for (let c = c0; c < end; c++) {
          const pc = load<f64>(p + (<usize>c << 3));
          const f = pc + load<f64>(q + (<usize>c << 3)) * flipEntry(table, rj, c, parentOn);
          prod *= f;
          sH += ((load<f64>(ut + (<usize>c << 3)) + delta * <f64>load<f32>(w + ((rj + <usize>c) << 2))) * pc) / f;
        }
        store<f64>(sHs + at, sH);
        store<f64>(logR + at, load<f64>(logR + at) + fdlibmLog(prod));
      }
    }
  }
  for (let b = 0; b < n; b++) {
    const r = rec + <usize>b * REC;
    const parents = <usize>load<i32>(r);
    const on = <usize>load<i32>(r, 12);
    const onCount = load<i32>(r, 16);
    const outLogQ = <usize>load<i32>(r, 20);
    const outEnt = <usize>load<i32>(r, 28);
    const base = load<f64>(basePU + (<usize>b << 3));
    for (let j = 0; j < nParents; j++) {
      const rj = <usize>j * <usize>nChildren;
      const delta: f64 = load<u8>(parents + <usize>j) == 1 ? -1 : 1;
      const at = <usize>j << 3;
      const lr = load<f64>(outLogQ + at);
      const rs = load<f64>(rowSum + at);
      store<f64>(outLogQ + at, -lr - delta * (rs - onRowSum(w, rj, on, onCount)));
      store<f64>(outEnt + at, lr + delta * rs - load<f64>(outEnt + at) + base);
    }
  }
}

/** One example's record and basePU for the one-example wrappers below (static data of the module). */
const ONE: usize = memory.data(32, 16);
const BASE: usize = memory.data(8, 8);

/**
 * counterfactual.ts flipLogProbDelta's table path (chunk K > 0) for one example: float32 w
 * [nParents, nChildren], out[j] for every parent j (vaeFlipDecoderSlab with n = 1). parents uint8
 * [nParents]; p, q float64 [nChildren]; table float64 [nParents, nChildren, 2]; rowSum float64 [nParents].
 */
export function vaeFlipDecoder(w: usize, table: usize, rowSum: usize, parents: usize, nParents: i32, p: usize, q: usize, on: usize, onCount: i32, nChildren: i32, K: i32, out: usize): void {
  store<i32>(ONE, <i32>parents);
  store<i32>(ONE, <i32>p, 4);
  store<i32>(ONE, <i32>q, 8);
  store<i32>(ONE, <i32>on, 12);
  store<i32>(ONE, onCount, 16);
  store<i32>(ONE, <i32>out, 20);
  vaeFlipDecoderSlab(w, table, rowSum, nParents, nChildren, K, 1, ONE);
}

/**
 * counterfactual.ts encoderChildDeltas' table loop (chunk K > 0; the exact redo of children near
 * the clip stays in JS) for one example: float32 w [nParents, nChildren], outLogQ[j], outEnt[j]
 * for every parent j (vaeFlipEncoderSlab with n = 1). ut, p, q float64 [nChildren]; basePU = Σ_c ut[c]·p[c].
 */
export function vaeFlipEncoder(w: usize, table: usize, rowSum: usize, parents: usize, nParents: i32, ut: usize, p: usize, q: usize, on: usize, onCount: i32, nChildren: i32, K: i32, basePU: f64, outLogQ: usize, outEnt: usize): void {
  store<i32>(ONE, <i32>parents);
  store<i32>(ONE, <i32>p, 4);
  store<i32>(ONE, <i32>q, 8);
  store<i32>(ONE, <i32>on, 12);
  store<i32>(ONE, onCount, 16);
  store<i32>(ONE, <i32>outLogQ, 20);
  store<i32>(ONE, <i32>ut, 24);
  store<i32>(ONE, <i32>outEnt, 28);
  store<f64>(BASE, basePU);
  vaeFlipEncoderSlab(w, table, rowSum, nParents, nChildren, K, 1, ONE, BASE);
}

// ---- The VAE's float32 path (issue 23) ----------------------------------------------------
// The dense work of a VAE update computes in float32, four lanes per instruction, as PyTorch
// and the WebGPU engine do: the affine sums of float32 weights, the units' exp, log1p and
// sigmoid (polynomials below, a few float32 ulps), the whole-slab gradient rows and Adam.
// Results agree with the float64 JavaScript reference within float32 rounding (relative ~1e-6
// per unit, tests/vae-simd.test.ts), not bit for bit; sums that feed learning signals (the
// ELBO's terms, the entropy) are carried in float64. docs/math.md §5 states the tolerances.

/** Four float64 values at p as one f32x4 (each rounded to float32). */
@inline function loadF64AsF32x4(p: usize): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(v128.load(p)), f32x4.demote_f64x2_zero(v128.load(p, 16)), 0, 1, 4, 5);
}

/** Stores the four lanes of x as float64 at o. */
@inline function storeF32x4AsF64(o: usize, x: v128): void {
  v128.store(o, f64x2.promote_low_f32x4(x));
  v128.store(o, f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)), 16);
}

/** The four lanes of x as float64, added pairwise into two lanes: (x0 + x2, x1 + x3). */
@inline function promoteSum(x: v128): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)));
}

/**
 * e^x for x ≤ 0 in float32 lanes (Cephes expf: x = n·ln 2 + r, |r| ≤ ln 2 / 2, a degree-7
 * polynomial for e^r, 2^n through the exponent bits; about 1 ulp). x below −87 gives e^−87
 * (2^n stays a normal float32): callers use it where 1e-38 and 0 are the same. n is rounded by
 * adding and subtracting 1.5·2^23, whose sum also holds n in its low bits (no float-to-int
 * conversion), and the clamp is pmax (one instruction; x is never NaN here).
 */
@inline function expNonPositiveF32(x: v128): v128 {
  const xc = f32x4.pmax(x, f32x4.splat(-87.0));
  const magic = f32x4.splat(12582912.0);
  const shifted = f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), magic);
  const n = f32x4.sub(shifted, magic);
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  // 1 + r + r²·P(r), P of degree 5 by Estrin's scheme (three independent pairs, then r² and r⁴):
  // a shorter dependency chain than Horner's, the same polynomial
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const p01 = f32x4.add(f32x4.mul(f32x4.splat(1.6666665459e-1), r), f32x4.splat(5.0000001201e-1));
  const p23 = f32x4.add(f32x4.mul(f32x4.splat(8.3334519073e-3), r), f32x4.splat(4.1665795894e-2));
  const p45 = f32x4.add(f32x4.mul(f32x4.splat(1.9875691500e-4), r), f32x4.splat(1.3981999507e-3));
  const poly = f32x4.add(f32x4.add(p01, f32x4.mul(p23, r2)), f32x4.mul(p45, r4));
  const y = f32x4.add(f32x4.add(f32x4.mul(poly, r2), r), f32x4.splat(1.0));
  // shifted's bits are 0x4b400000 + n; (bits + 127) << 23 is 2^n's (the constant's bits shift out)
  const scale = i32x4.shl(i32x4.add(shifted, i32x4.splat(127)), 23);
  return f32x4.mul(y, scale);
}

/**
 * log(1 + e) for 0 ≤ e ≤ 1 in float32 lanes: 2·atanh(s), s = e / (2 + e) ≤ 1/3, by its series to
 * s^13 (truncation below 1.3e-8 relative; about 2 ulps in float32 with the rounding).
 */
@inline function log1pUnitF32(e: v128): v128 {
  const s = f32x4.div(e, f32x4.add(f32x4.splat(2.0), e));
  const s2 = f32x4.mul(s, s);
  // Σ_{k=0..6} s2^k / (2k + 1) by Estrin's scheme (pairs in s2, then s2², s2⁴)
  const s4 = f32x4.mul(s2, s2);
  const s8 = f32x4.mul(s4, s4);
  const t01 = f32x4.add(f32x4.mul(f32x4.splat(<f32>(1.0 / 3.0)), s2), f32x4.splat(1.0));
  const t23 = f32x4.add(f32x4.mul(f32x4.splat(<f32>(1.0 / 7.0)), s2), f32x4.splat(<f32>(1.0 / 5.0)));
  const t45 = f32x4.add(f32x4.mul(f32x4.splat(<f32>(1.0 / 11.0)), s2), f32x4.splat(<f32>(1.0 / 9.0)));
  const t = f32x4.add(f32x4.add(t01, f32x4.mul(t23, s4)), f32x4.mul(f32x4.add(t45, f32x4.mul(f32x4.splat(<f32>(1.0 / 13.0)), s4)), s8));
  return f32x4.mul(f32x4.add(s, s), t);
}

/** Four float64 values at src + 8i, or only the first n − i of them (the rest 0) in a layer's last block. */
@inline function loadUnitsF32(src: usize, i: i32, n: i32): v128 {
  if (i + 3 < n) return loadF64AsF32x4(src + (<usize>i << 3));
  let x = f32x4.splat(0);
  x = f32x4.replace_lane(x, 0, <f32>load<f64>(src + (<usize>i << 3)));
  if (i + 1 < n) x = f32x4.replace_lane(x, 1, <f32>load<f64>(src + (<usize>(i + 1) << 3)));
  if (i + 2 < n) x = f32x4.replace_lane(x, 2, <f32>load<f64>(src + (<usize>(i + 2) << 3)));
  return x;
}

/** Bytes t[i .. min(i + 4, n)) in the low four bytes of a vector, the rest 0. */
@inline function loadBytes4(t: usize, i: i32, n: i32): v128 {
  if (i + 3 < n) return v128.load32_zero(t + <usize>i);
  let w: u32 = 0;
  for (let c = i; c < n; c++) w |= <u32>load<u8>(t + <usize>c) << (<u32>(c - i) << 3);
  return i32x4.replace_lane(i32x4.splat(0), 0, w);
}

/** An all-ones mask on the first `count` float32 lanes (all four from 4 up). */
@inline function lanesBelow(count: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
}

/** Stores the first min(4, n − i) lanes of x as float64 at dst + 8i. */
@inline function storeUnits(dst: usize, i: i32, n: i32, x: v128): void {
  if (i + 3 < n) {
    storeF32x4AsF64(dst + (<usize>i << 3), x);
    return;
  }
  store<f64>(dst + (<usize>i << 3), <f64>f32x4.extract_lane(x, 0));
  if (i + 1 < n) store<f64>(dst + (<usize>(i + 1) << 3), <f64>f32x4.extract_lane(x, 1));
  if (i + 2 < n) store<f64>(dst + (<usize>(i + 2) << 3), <f64>f32x4.extract_lane(x, 2));
}

/** σ(z) and σ(−z) of the last block bernoulliLanes computed. */
let blockP = f32x4.splat(0);
let blockQ = f32x4.splat(0);

/**
 * Four Bernoulli units of logits z (forward.ts bernoulliParts): stores p = σ(z) and q = σ(−z) at
 * units i.. of p and q (the first min(4, n − i)), leaves them in blockP, blockQ, and returns
 * log σ(z) = min(z, 0) − log(1 + e^{−|z|}).
 */
@inline function bernoulliLanes(z: v128, p: usize, q: usize, i: i32, n: i32): v128 {
  const e = expNonPositiveF32(f32x4.neg(f32x4.abs(z)));
  const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  const er = f32x4.mul(e, r);
  const positive = f32x4.ge(z, f32x4.splat(0));
  blockP = v128.bitselect(r, er, positive);
  blockQ = v128.bitselect(er, r, positive);
  storeUnits(p, i, n, blockP);
  storeUnits(q, i, n, blockQ);
  return f32x4.sub(f32x4.pmin(z, f32x4.splat(0)), log1pUnitF32(e));
}

/**
 * forward.ts encoderLayer after its affine, in float32 lanes: ut[i] = clamp(u[i], ±clip)
 * (float64), p, q = σ(±ut) and the returned entropy Σ_i H(q_i) (nats, summed in float64).
 * u, ut, p, q float64 [n].
 */
export function vaeEncoderUnits(u: usize, ut: usize, p: usize, q: usize, n: i32, clip: f64): f64 {
  // the clamp in float64, two lanes at a time (pmax/pmin keep a NaN, as the JS comparisons do)
  const hi = f64x2.splat(clip);
  const lo = f64x2.splat(-clip);
  let c = 0;
  for (; c + 1 < n; c += 2) v128.store(ut + (<usize>c << 3), f64x2.pmin(f64x2.pmax(v128.load(u + (<usize>c << 3)), lo), hi));
  for (; c < n; c++) {
    const x = load<f64>(u + (<usize>c << 3));
    store<f64>(ut + (<usize>c << 3), x > clip ? clip : x < -clip ? -clip : x);
  }
  let h = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const z = loadUnitsF32(ut, i, n);
    const lp = bernoulliLanes(z, p, q, i, n);
    // H = −(p·log σ(z) + q·log σ(−z)), log σ(−z) = log σ(z) − z
    const term = f32x4.add(f32x4.mul(blockP, lp), f32x4.mul(blockQ, f32x4.sub(lp, z)));
    h = f64x2.sub(h, promoteSum(v128.and(term, lanesBelow(n - i))));
  }
  return f64x2.extract_lane(h, 0) + f64x2.extract_lane(h, 1);
}

/**
 * forward.ts decoderLayer after its logits, in float32 lanes: dp, dq = σ(±v) and the returned
 * Σ_i log p(t_i | v_i) (nats, summed in float64); with grad ≠ 0 also grad[i] = t_i − dp_i
 * (d log p / d v). v, dp, dq, grad float64 [n]; t uint8 [n].
 */
export function vaeDecoderUnits(v: usize, t: usize, dp: usize, dq: usize, n: i32, grad: usize): f64 {
  let sum = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const z = loadUnitsF32(v, i, n);
    const lp = bernoulliLanes(z, dp, dq, i, n);
    const on = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(loadBytes4(t, i, n))), i32x4.splat(0));
    // t − p as q where t = 1 (1 − p would lose q's digits to float32's rounding of p near 1)
    if (grad) storeUnits(grad, i, n, v128.bitselect(blockQ, f32x4.neg(blockP), on));
    // log p(t | v) = log σ(v) when t = 1, log σ(v) − v when t = 0
    const term = f32x4.sub(lp, v128.andnot(z, on));
    sum = f64x2.add(sum, promoteSum(v128.and(term, lanesBelow(n - i))));
  }
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}

/**
 * forward.ts affine for a slab of n examples sharing w and b, in float32 lanes: per example e,
 * out_e[i] = b[i] + Σ_k w[on_e[k]·nOut + i] (float32 w [inputs, nOut], b [nOut]; the rows k =
 * 0..onCount_e − 1 added in order in float32; out_e float64 [nOut]). rec[4e ..] holds int32:
 * on_e (byte offset), onCount_e, out_e (byte offset). The block of 28 columns is the outer loop,
 * so its [inputs, 28] slice of w stays in cache for every example of the slab, where one example
 * at a time streams its rows from memory again for each example (tmp microbench with the rest of
 * an update's memory traffic between calls: 130–210 → 90–135 ps per add).
 */
export function vaeAffineSlab(w: usize, b: usize, nOut: i32, n: i32, rec: usize): void {
  let i = 0;
  // 28 columns per pass: 7 f32x4 sums in registers (V8 keeps seven with their loads in its 15
  // vector registers; an eighth spilled to the stack and its store-to-load chain bound the loop)
  for (; i + 27 < nOut; i += 28) {
    const bi = b + (<usize>i << 2);
    const column = w + (<usize>i << 2);
    for (let e = 0; e < n; e++) {
      const r = rec + (<usize>e << 4);
      const on = <usize>load<i32>(r);
      const onCount = load<i32>(r, 4);
      let a0 = v128.load(bi);
      let a1 = v128.load(bi, 16);
      let a2 = v128.load(bi, 32);
      let a3 = v128.load(bi, 48);
      let a4 = v128.load(bi, 64);
      let a5 = v128.load(bi, 80);
      let a6 = v128.load(bi, 96);
      for (let k = 0; k < onCount; k++) {
        const p = column + ((<usize>load<i32>(on + (<usize>k << 2)) * <usize>nOut) << 2);
        a0 = f32x4.add(a0, v128.load(p));
        a1 = f32x4.add(a1, v128.load(p, 16));
        a2 = f32x4.add(a2, v128.load(p, 32));
        a3 = f32x4.add(a3, v128.load(p, 48));
        a4 = f32x4.add(a4, v128.load(p, 64));
        a5 = f32x4.add(a5, v128.load(p, 80));
        a6 = f32x4.add(a6, v128.load(p, 96));
      }
      const o = <usize>load<i32>(r, 8) + (<usize>i << 3);
      storeF32x4AsF64(o, a0);
      storeF32x4AsF64(o + 32, a1);
      storeF32x4AsF64(o + 64, a2);
      storeF32x4AsF64(o + 96, a3);
      storeF32x4AsF64(o + 128, a4);
      storeF32x4AsF64(o + 160, a5);
      storeF32x4AsF64(o + 192, a6);
    }
  }
  // the last nOut mod 28 columns, one example at a time
  for (let e = 0; e < n; e++) {
    const r = rec + (<usize>e << 4);
    const on = <usize>load<i32>(r);
    const onCount = load<i32>(r, 4);
    const out = <usize>load<i32>(r, 8);
    let c = i;
    for (; c + 3 < nOut; c += 4) {
      let a = v128.load(b + (<usize>c << 2));
      const column = w + (<usize>c << 2);
      for (let k = 0; k < onCount; k++) a = f32x4.add(a, v128.load(column + ((<usize>load<i32>(on + (<usize>k << 2)) * <usize>nOut) << 2)));
      storeF32x4AsF64(out + (<usize>c << 3), a);
    }
    for (; c < nOut; c++) {
      let a = load<f32>(b + (<usize>c << 2));
      for (let k = 0; k < onCount; k++) a += load<f32>(w + ((<usize>load<i32>(on + (<usize>k << 2)) * <usize>nOut + <usize>c) << 2));
      store<f64>(out + (<usize>c << 3), <f64>a);
    }
  }
}

/** One example's record for vaeAffine (static data of the module). */
const AFFINE_ONE: usize = memory.data(16, 16);

/** vaeAffineSlab for one example: out = b + Σ_k w[on[k]·n + :] (float32 w [inputs, n], b [n]; out float64 [n]). */
export function vaeAffine(w: usize, b: usize, on: usize, onCount: i32, n: i32, out: usize): void {
  store<i32>(AFFINE_ONE, <i32>on);
  store<i32>(AFFINE_ONE, onCount, 4);
  store<i32>(AFFINE_ONE, <i32>out, 8);
  vaeAffineSlab(w, b, n, 1, AFFINE_ONE);
}

/** dst[i] = float32(src[i]) for i < n (float64 src, float32 dst): a learning signal for vaeCsrRowsF32. */
export function demoteF64(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) v128.store(dst + (<usize>i << 2), loadF64AsF32x4(src + (<usize>i << 3)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(src + (<usize>i << 3)));
}

/**
 * gradients.ts batch assembly in float32 lanes: per input j < inputs, out[j, :] = scale · (a +
 * Σ_{k in start[j] .. start[j+1]) src[list[k] + i]) with a = out[j, :] when `accumulate` (a
 * later slab continuing the sum) else 0; src float32 (list: element offsets from address 0),
 * the sum in float32, out float64 [inputs, width], start int32 [inputs + 1].
 */
export function vaeCsrRowsF32(out: usize, src: usize, start: usize, list: usize, inputs: i32, width: i32, accumulate: i32, scale: f64): void {
  const s = f32x4.splat(<f32>scale);
  for (let j = 0; j < inputs; j++) {
    const first = load<i32>(start + (<usize>j << 2));
    const count = load<i32>(start + (<usize>j << 2), 4) - first;
    const rows = list + (<usize>first << 2);
    const o = out + ((<usize>j * <usize>width) << 3);
    let i = 0;
    // 28 columns per pass, 7 f32x4 sums in registers (as vaeAffine)
    for (; i + 27 < width; i += 28) {
      const d = o + (<usize>i << 3);
      let a0 = accumulate ? loadF64AsF32x4(d) : f32x4.splat(0);
      let a1 = accumulate ? loadF64AsF32x4(d + 32) : f32x4.splat(0);
      let a2 = accumulate ? loadF64AsF32x4(d + 64) : f32x4.splat(0);
      let a3 = accumulate ? loadF64AsF32x4(d + 96) : f32x4.splat(0);
      let a4 = accumulate ? loadF64AsF32x4(d + 128) : f32x4.splat(0);
      let a5 = accumulate ? loadF64AsF32x4(d + 160) : f32x4.splat(0);
      let a6 = accumulate ? loadF64AsF32x4(d + 192) : f32x4.splat(0);
      const column = src + (<usize>i << 2);
      for (let k = 0; k < count; k++) {
        const p = column + (<usize>load<i32>(rows + (<usize>k << 2)) << 2);
        a0 = f32x4.add(a0, v128.load(p));
        a1 = f32x4.add(a1, v128.load(p, 16));
        a2 = f32x4.add(a2, v128.load(p, 32));
        a3 = f32x4.add(a3, v128.load(p, 48));
        a4 = f32x4.add(a4, v128.load(p, 64));
        a5 = f32x4.add(a5, v128.load(p, 80));
        a6 = f32x4.add(a6, v128.load(p, 96));
      }
      storeF32x4AsF64(d, f32x4.mul(a0, s));
      storeF32x4AsF64(d + 32, f32x4.mul(a1, s));
      storeF32x4AsF64(d + 64, f32x4.mul(a2, s));
      storeF32x4AsF64(d + 96, f32x4.mul(a3, s));
      storeF32x4AsF64(d + 128, f32x4.mul(a4, s));
      storeF32x4AsF64(d + 160, f32x4.mul(a5, s));
      storeF32x4AsF64(d + 192, f32x4.mul(a6, s));
    }
    for (; i + 3 < width; i += 4) {
      const d = o + (<usize>i << 3);
      let a = accumulate ? loadF64AsF32x4(d) : f32x4.splat(0);
      const column = src + (<usize>i << 2);
      for (let k = 0; k < count; k++) a = f32x4.add(a, v128.load(column + (<usize>load<i32>(rows + (<usize>k << 2)) << 2)));
      storeF32x4AsF64(d, f32x4.mul(a, s));
    }
    for (; i < width; i++) {
      const d = o + (<usize>i << 3);
      let a: f32 = accumulate ? <f32>load<f64>(d) : 0;
      for (let k = 0; k < count; k++) a += load<f32>(src + ((<usize>load<i32>(rows + (<usize>k << 2)) + <usize>i) << 2));
      store<f64>(d, <f64>(a * <f32>scale));
    }
  }
}

/**
 * One Adam ascent step in float32 lanes (the VAE's optimizer; optimizer.ts ascentStepFloat32):
 * m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², value += lr·(m·c1) / (√(v·c2) + ε), with g
 * the float64 gradient rounded to float32; value, m, v float32 [n].
 */
export function adamF32(value: usize, grad: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, c1: f32, c2: f32): void {
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(oneMinusBeta1);
  const ob2 = f32x4.splat(oneMinusBeta2);
  const lrv = f32x4.splat(lr);
  const epsv = f32x4.splat(eps);
  const c1v = f32x4.splat(c1);
  const c2v = f32x4.splat(c2);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    const g = loadF64AsF32x4(grad + (<usize>i << 3));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(ob1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(f32x4.mul(ob2, g), g));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const step = f32x4.div(f32x4.mul(lrv, f32x4.mul(mi, c1v)), f32x4.add(f32x4.sqrt(f32x4.mul(vi, c2v)), epsv));
    v128.store(value + o, f32x4.add(v128.load(value + o), step));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = <f32>load<f64>(grad + (<usize>i << 3));
    const mi = beta1 * load<f32>(m + o) + oneMinusBeta1 * g;
    const vi = beta2 * load<f32>(v + o) + oneMinusBeta2 * g * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(value + o, load<f32>(value + o) + (lr * (mi * c1)) / (Mathf.sqrt(vi * c2) + eps));
  }
}

/**
 * gradientVariance.ts ShiftedGradientVariance.finish's shift: Σ_{j,i} (gradW[j, i] − x0[j]·s0[i])²
 * + Σ_i (gradB[i] − s0[i])² (float64 gradW [inputs, width], gradB, s0 [width], x0 [inputs]),
 * summed in two float64 lanes (the JS loop's sum in another order).
 */
export function shiftedSquareSum(gradW: usize, gradB: usize, x0: usize, s0: usize, inputs: i32, width: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let tail: f64 = 0;
  for (let j = 0; j <= inputs; j++) {
    const xj = j < inputs ? load<f64>(x0 + (<usize>j << 3)) : 1.0;
    const row = j < inputs ? gradW + ((<usize>j * <usize>width) << 3) : gradB;
    const x = f64x2.splat(xj);
    let i = 0;
    for (; i + 3 < width; i += 4) {
      const d0 = f64x2.sub(v128.load(row + (<usize>i << 3)), f64x2.mul(x, v128.load(s0 + (<usize>i << 3))));
      const d1 = f64x2.sub(v128.load(row + (<usize>i << 3), 16), f64x2.mul(x, v128.load(s0 + (<usize>i << 3), 16)));
      a0 = f64x2.add(a0, f64x2.mul(d0, d0));
      a1 = f64x2.add(a1, f64x2.mul(d1, d1));
    }
    for (; i < width; i++) {
      const d = load<f64>(row + (<usize>i << 3)) - xj * load<f64>(s0 + (<usize>i << 3));
      tail += d * d;
    }
  }
  const a = f64x2.add(a0, a1);
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1) + tail;
}

/** forward.ts PassState.index: on[k] = the k-th i with phi[i] = 1 (uint8 phi [n], int32 on [n]); returns their count. */
export function indexOn(phi: usize, n: i32, on: usize): i32 {
  let count = 0;
  let i = 0;
  // sixteen values at a time: a block with no 1 is skipped by one test
  for (; i + 15 < n; i += 16) {
    const block = v128.load(phi + <usize>i);
    if (!v128.any_true(block)) continue;
    for (let k = i; k < i + 16; k++) {
      store<i32>(on + (<usize>count << 2), k);
      count += load<u8>(phi + <usize>k) == 1 ? 1 : 0;
    }
  }
  for (; i < n; i++) {
    store<i32>(on + (<usize>count << 2), i);
    count += load<u8>(phi + <usize>i) == 1 ? 1 : 0;
  }
  return count;
}

/**
 * estimators.ts reinforce (disarm < 0) and pairSignal (LOO: disarm = 0, DisARM: 1), one layer of
 * one example in float64: g[i] = −p_i q_i ut_i + s_i with s_i = (φ_i − p_i)·signal (REINFORCE),
 * signal·(φ_i − φ'_i) (LOO: signal = ½(F − F')) or that times max(p_i, q_i) (DisARM). phi, alt
 * uint8 [n]; p, q, ut, g float64 [n].
 */
export function vaeLayerSignal(phi: usize, alt: usize, p: usize, q: usize, ut: usize, n: i32, signal: f64, disarm: i32, g: usize): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 3;
    const pi = load<f64>(p + at);
    const qi = load<f64>(q + at);
    const own = -pi * qi * load<f64>(ut + at);
    const f = <f64>load<u8>(phi + <usize>i);
    let s: f64;
    if (disarm < 0) s = (f - pi) * signal;
    else {
      const pair = signal * (f - <f64>load<u8>(alt + <usize>i));
      s = disarm ? pair * (pi > qi ? pi : qi) : pair;
    }
    store<f64>(g + at, own + s);
  }
}

/**
 * gradientVariance.ts addWithInputDifferences' sums and the finiteness sum of one signal vector
 * v = g[0..n) against example 0's s0 (float64 [n]): out[0] = Σ v², out[1] = Σ (v − s0)², out[2]
 * = Σ v·(v − s0), in index order (float64, as the JS loop).
 */
export function signalMoments(g: usize, s0: usize, n: i32, out: usize): void {
  let ss: f64 = 0;
  let dss: f64 = 0;
  let sds: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(g + (<usize>i << 3));
    const d = v - load<f64>(s0 + (<usize>i << 3));
    ss += v * v;
    dss += d * d;
    sds += v * d;
  }
  store<f64>(out, ss);
  store<f64>(out, dss, 8);
  store<f64>(out, sds, 16);
}
