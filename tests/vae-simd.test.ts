// The VAE's WASM SIMD kernels against the JavaScript reference loops (docs/math.md §3, §5): the
// same functions run once on arrays in a kernel instance's memory and once on heap arrays, on
// random and edge inputs (all-zero and all-one layers, widths not a multiple of the four f32
// lanes or of the 32-column blocks, logits at the clip and far beyond it, weights beyond the flip
// tables' range). The float32 path (vaeAffine, vaeEncoderUnits, vaeDecoderUnits, vaeCsrRowsF32,
// adamF32, issue 23) agrees within float32 rounding, stated per quantity below; the flip kernels
// (vaeFlipDecoder, vaeFlipEncoder and their slabs) and vaeAddRows equal the reference bit for bit.
import { describe, expect, it } from 'vitest';
import { PAPER_OPTIMIZER, VAE_ESTIMATORS } from '../src/engine/types.ts';
import { allocSparseRows, type SparseBinaryRows } from '../src/data/minibatch.ts';
import { heapArrays, type ArrayAllocator } from '../src/simd/arrays.ts';
import { WasmKernels, wasmSimdSupported } from '../src/simd/wasmKernels.ts';
import { encoderChildDeltas, FlipSlabScratch, flipLogProbDelta, productChunk, slabFlipDeltas } from '../src/models/vae/counterfactual.ts';
import { RngDraws } from '../src/models/vae/draws.ts';
import { ExampleWork, VaeTables } from '../src/models/vae/estimators.ts';
import { decoderLayer, encoderLayer, PassState } from '../src/models/vae/forward.ts';
import { addExampleGradients } from '../src/models/vae/gradients.ts';
import { createVaeTensors, paramArrays, type VaeShape } from '../src/models/vae/params.ts';
import { VaeRun } from '../src/models/vae/vaeRun.ts';
import { FlipTables } from '../src/models/units/flipTables.ts';
import { hash32 } from '../src/rng/counterRng.ts';

/** Deterministic uniform in [0, 1) from a counter. */
function unit(k: number): number {
  return hash32(k) / 4294967296;
}

type Pattern = 'random' | 'zeros' | 'ones';

function fillBits(a: Uint8Array, pattern: Pattern, salt: number): void {
  for (let i = 0; i < a.length; i++) a[i] = pattern === 'ones' ? 1 : pattern === 'zeros' ? 0 : unit(salt + i) < 0.4 ? 1 : 0;
}

function onList(bits: Uint8Array, on: Int32Array): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] === 1) on[n++] = i;
  return n;
}

it('WebAssembly SIMD runs here (else every kernel test below would compare JS with itself)', () => {
  expect(wasmSimdSupported()).toBe(true);
});

/**
 * The entries of `got` farther from `want` than tolerance · (scale + |want|), as "index: got vs
 * want" lines (at most 5): float32 rounding of a sum is relative to its terms' size (`scale`),
 * not only to the result.
 */
function beyond(got: readonly number[], want: readonly number[], tolerance: number, scale = 1): string[] {
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length} vs ${want.length}`];
  for (let i = 0; i < want.length && bad.length < 5; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tolerance * (scale + Math.abs(want[i])))) bad.push(`${i}: ${got[i]} vs ${want[i]}`);
  }
  return bad;
}

it('the comparison fails where the float32 path would be wrong by 1e-5 relative (control)', () => {
  const want = [0.25, -3, 700, 1e-9];
  expect(beyond(want.map((x) => x * (1 + 1e-7)), want, 1e-6)).toEqual([]);
  expect(beyond(want.map((x, i) => (i === 2 ? x * (1 + 1e-5) : x)), want, 1e-6)).toHaveLength(1);
  expect(beyond([Number.NaN], [1], 1)).toHaveLength(1);
});

it('float32 units: σ, log σ and the sums within float32 rounding of float64 at logits from 0 to beyond ±87 (e^−87 is the floor)', () => {
  const n = 4099; // not a multiple of the four lanes
  const results = [true, false].map((inWasm) => {
    const arena: ArrayAllocator = inWasm ? new WasmKernels(1 << 22) : heapArrays;
    const shape = { pixels: n, layers: 1, width: n };
    const { params } = createVaeTensors(shape, 1, arena);
    const s = new PassState(params.sizes, arena);
    const logit = (i: number): number => (i < 16 ? [0, -0, 1e-30, -1e-30, 11.5, -11.5, 30, -30, 86.9, -86.9, 87.5, -87.5, 104, -104, 1e4, -1e4][i] : (unit(i) - 0.5) * 2 * (i % 3 === 0 ? 200 : 12));
    fillBits(s.phi[0], 'random', 7);
    s.index(0);
    // the decoder's logits: the prior (m = L = 1) is its bias, set to the test logits
    const prior = params.decB[1];
    for (let i = 0; i < n; i++) prior[i] = logit(i);
    fillBits(s.phi[1], 'random', 9);
    const grad = arena.f64(n);
    const dec = decoderLayer(params, 1, s, s, grad);
    // the encoder's units from the same logits: u = b when layer 0 has no unit on
    s.phi[0].fill(0);
    s.index(0);
    const b = params.encB[0];
    for (let i = 0; i < n; i++) b[i] = logit(i);
    const ent = encoderLayer(params, 1, s);
    return { dec, ent, dp: Array.from(s.dp[1]), dq: Array.from(s.dq[1]), grad: Array.from(grad), p: Array.from(s.p[1]), q: Array.from(s.q[1]), ut: Array.from(s.ut[1]) };
  });
  const [simd, js] = results;
  // probabilities: 3 float32 ulps relative, or below e^−87 (1.7e-38) absolute (4e-7 · 5e-32 = 2e-38)
  for (const k of ['dp', 'dq', 'p', 'q'] as const) expect(beyond(simd[k], js[k], 4e-7, 5e-32), k).toEqual([]);
  // t − p: the kernels take q where t = 1; the reference's float64 1 − p is itself off by up to 1.1e-16
  expect(beyond(simd.grad, js.grad, 4e-7, 1e-9)).toEqual([]);
  expect(simd.ut).toEqual(js.ut); // the clamp is float64 in both
  // the sums over 4099 units (nats): each term within a few float32 ulps of its size
  expect(beyond([simd.dec], [js.dec], 1e-6, 4099)).toEqual([]);
  expect(beyond([simd.ent], [js.ent], 1e-6, 4099)).toEqual([]);
  expect(Number.isFinite(simd.dec) && Number.isFinite(simd.ent)).toBe(true);
});

describe('flip kernels equal the JS loops bit for bit', () => {
  const widths: [number, number][] = [
    [1, 1],
    [3, 7],
    [9, 13],
    [16, 64],
    [17, 200],
    [200, 133],
  ];
  const scales = [0.1, 3, 30, 700]; // 700: beyond the tables' range (log-domain path, K = 0)
  const cases = widths.flatMap(([n, nc]) => scales.flatMap((scale) => (['random', 'zeros', 'ones'] as Pattern[]).map((pattern) => ({ n, nc, scale, pattern }))));
  it.each(cases)('$n parents × $nc children, weight scale $scale, $pattern parents and children', ({ n, nc, scale, pattern }) => {
    const results = [true, false].map((inWasm) => {
      const arena: ArrayAllocator = inWasm ? new WasmKernels(1 << 22) : heapArrays;
      const w = arena.f32(n * nc);
      for (let k = 0; k < w.length; k++) w[k] = (unit(7 * k + n) * 2 - 1) * scale;
      const t = new FlipTables(n, nc, arena);
      t.fill(w, 1);
      const parents = arena.u8(n);
      fillBits(parents, pattern, 11);
      const children = arena.u8(nc);
      fillBits(children, pattern, 29);
      const on = arena.i32(nc);
      const onCount = onList(children, on);
      const u = arena.f64(nc);
      const ut = arena.f64(nc);
      const p = arena.f64(nc);
      const q = arena.f64(nc);
      for (let c = 0; c < nc; c++) {
        u[c] = (unit(3 * c + 1) * 2 - 1) * 14 * (c % 3 === 0 ? 2 : 0.5); // some beyond the clip (11.5)
        ut[c] = Math.max(-11.512915464920228, Math.min(11.512915464920228, u[c]));
        p[c] = 1 / (1 + Math.exp(-ut[c]));
        q[c] = 1 / (1 + Math.exp(ut[c]));
      }
      const dn = arena.f64(n);
      const dlq = arena.f64(n);
      const dent = arena.f64(n);
      const K = productChunk(t);
      flipLogProbDelta(w, t, parents, n, p, q, on, onCount, nc, dn, K, u, children);
      encoderChildDeltas(w, t, parents, n, u, ut, p, q, children, on, onCount, nc, dlq, dent, K);
      return [dn, dlq, dent].map((a) => Array.from(a));
    });
    expect(results[0].flat().every(Number.isFinite)).toBe(true);
    expect(results[0]).toEqual(results[1]);
  });
});

describe('encoder/decoder products and gradient rows within float32 rounding of the JS loops', () => {
  const shapes: VaeShape[] = [
    { pixels: 13, layers: 2, width: 7 },
    { pixels: 784, layers: 3, width: 200 },
  ];
  it.each(shapes.flatMap((shape) => (['random', 'zeros', 'ones'] as Pattern[]).map((pattern) => ({ ...shape, pattern }))))('$pixels pixels, $layers × $width, $pattern layers', ({ pixels, layers, width, pattern }) => {
    const shape = { pixels, layers, width };
    const results = [true, false].map((inWasm) => {
      const arena: ArrayAllocator = inWasm ? new WasmKernels(1 << 25) : heapArrays;
      const { params } = createVaeTensors(shape, 4, arena);
      for (const a of paramArrays(params)) for (let k = 0; k < a.length; k++) a[k] += (unit(k + a.length) - 0.5) * 8; // logits up to the clip
      const s = new PassState(params.sizes, arena);
      const sums: number[] = [];
      const vectors: number[] = [];
      const probabilities: number[] = [];
      for (let l = 0; l <= layers; l++) {
        fillBits(s.phi[l], pattern, 100 * l);
        s.index(l);
      }
      for (let l = 1; l <= layers; l++) {
        sums.push(encoderLayer(params, l, s));
        vectors.push(...s.u[l]);
        probabilities.push(...s.p[l]);
      }
      for (let m = 0; m <= layers; m++) {
        const grad = arena.f64(params.sizes[m]);
        sums.push(decoderLayer(params, m, s, s, grad));
        vectors.push(...s.v[m]);
        probabilities.push(...grad);
      }
      const work = new ExampleWork(params.sizes, arena);
      for (let l = 0; l <= layers; l++) work.main.copyLayer(s, l);
      for (let l = 1; l <= layers; l++) work.encGrad[l].set(s.u[l]);
      for (let m = 0; m <= layers; m++) work.decGrad[m].set(s.v[m]);
      const grads = paramArrays(params).map((a) => arena.f64(a.length));
      addExampleGradients(params, work, grads);
      addExampleGradients(params, work, grads);
      return { sums, vectors, probabilities, grads: grads.flatMap((g) => Array.from(g)) };
    });
    const [simd, js] = results;
    expect(simd.vectors.every(Number.isFinite)).toBe(true);
    // logits: float32 sums of up to `pixels` weights of size ≤ 4.2, each rounding ≤ 2^−24 of the running sum
    const termScale = 4.2 * pixels;
    expect(beyond(simd.vectors, js.vectors, 6e-8, termScale)).toEqual([]);
    expect(beyond(simd.grads, js.grads, 1.2e-7, termScale)).toEqual([]);
    // probabilities and logit gradients: those logits' errors through σ (slope ≤ 1/4) and float32 units
    expect(beyond(simd.probabilities, js.probabilities, 6e-8, termScale)).toEqual([]);
    // the layers' entropy and log-likelihood sums (nats)
    expect(beyond(simd.sums, js.sums, 6e-8, termScale * Math.max(pixels, width))).toEqual([]);
  });
});

describe('f-HNCA flip deltas of a whole slab (slabFlipDeltas) equal the one-example functions bit for bit', () => {
  const cases = [
    { pixels: 13, layers: 3, width: 11, n: 5 }, // widths not a multiple of 2, 4 or 8
    { pixels: 784, layers: 2, width: 200, n: 3 },
  ].flatMap((c) => (['random', 'zeros', 'ones'] as Pattern[]).flatMap((pattern) => [1, 40].map((scale) => ({ ...c, pattern, scale }))));
  it.each(cases)('$pixels pixels, $layers × $width, $n examples, $pattern layers, weights ×$scale', ({ pixels, layers, width, n, pattern, scale }) => {
    const shape = { pixels, layers, width };
    const arena = new WasmKernels(1 << 26);
    const { params } = createVaeTensors(shape, 3, arena);
    // weights ×40: logits beyond the clip (the exact redo of clipped children) and chunks K < 64
    for (const a of paramArrays(params)) for (let k = 0; k < a.length; k++) a[k] = a[k] * scale + (unit(k + 7 * a.length) - 0.5) * 2;
    const tables = new VaeTables(params.sizes, arena);
    tables.update(params);
    const draws = new RngDraws(width);
    draws.setStep(9, 4, layers);
    const works = Array.from({ length: n }, () => new ExampleWork(params.sizes, arena, false));
    works.forEach((work, b) => {
      const on = Array.from({ length: pixels }, (_, j) => j).filter((j) => unit(31 * b + j) < 0.3);
      work.main.setInput(on, 0, on.length);
      draws.setExample(b);
      work.forward(params, 'fhnca', draws);
      for (let l = 1; l <= layers; l++) {
        if (pattern === 'random') continue;
        fillBits(work.main.phi[l], pattern, 0);
        work.main.index(l);
      }
    });
    expect(slabFlipDeltas(params, tables.dec, tables.enc, works, n, new FlipSlabScratch(n, arena))).toBe(true);
    const { sizes } = params;
    for (const { main, dn, dlq, dent } of works) {
      for (let l = 1; l <= layers; l++) {
        const ref = [new Float64Array(sizes[l]), new Float64Array(sizes[l]), new Float64Array(sizes[l])];
        flipLogProbDelta(params.decW[l - 1], tables.dec[l - 1], main.phi[l], sizes[l], main.dp[l - 1], main.dq[l - 1], main.on[l - 1], main.onCount[l - 1], sizes[l - 1], ref[0], undefined, main.v[l - 1], main.phi[l - 1]);
        expect(Array.from(dn[l])).toEqual(Array.from(ref[0]));
        if (l === layers) continue;
        encoderChildDeltas(params.encW[l], tables.enc[l], main.phi[l], sizes[l], main.u[l + 1], main.ut[l + 1], main.p[l + 1], main.q[l + 1], main.phi[l + 1], main.on[l + 1], main.onCount[l + 1], sizes[l + 1], ref[1], ref[2]);
        expect(Array.from(dlq[l])).toEqual(Array.from(ref[1]));
        expect(Array.from(dent[l])).toEqual(Array.from(ref[2]));
        expect(ref.flatMap((a) => Array.from(a)).every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('declines (false, nothing written) where the per-example path must run: weights beyond the tables\' range, heap arrays', () => {
    const shape = { pixels: 13, layers: 2, width: 11 };
    for (const [arena, scale] of [[new WasmKernels(1 << 24), 5000], [heapArrays, 1]] as const) {
      const { params } = createVaeTensors(shape, 3, arena);
      for (const a of paramArrays(params)) for (let k = 0; k < a.length; k++) a[k] *= scale;
      const tables = new VaeTables(params.sizes, arena);
      tables.update(params);
      const work = new ExampleWork(params.sizes, arena, false);
      work.dn[1].fill(7);
      expect(slabFlipDeltas(params, tables.dec, tables.enc, [work], 1, new FlipSlabScratch(1, arena))).toBe(false);
      expect(Array.from(work.dn[1]).every((x) => x === 7)).toBe(true);
    }
  });
});

function tinyRows(batch: number, pixels: number, salt: number): SparseBinaryRows {
  const rows = allocSparseRows(batch, pixels);
  let k = 0;
  for (let b = 0; b < batch; b++) {
    rows.onStart[b] = k;
    for (let j = 0; j < pixels; j++) if (unit(salt + b * pixels + j) < 0.2) rows.onIndex[k++] = j;
  }
  rows.onStart[batch] = k;
  rows.count = batch;
  return rows;
}

describe('whole VAE updates in the kernel arena agree with the float64 JS reference', () => {
  const shape: VaeShape = { pixels: 37, layers: 3, width: 11 };
  // slab 1: one example per kernel call; 4: minibatches of 9 in slabs 4 + 4 + 1 (sums continued
  // across slabs); 9: the whole minibatch in one slab (the CPU engine's case)
  it.each(VAE_ESTIMATORS.flatMap((estimator) => [1, 4, 9].map((slab) => ({ estimator, slab }))))('$estimator, 3 × 11 units, 6 updates, slabs of $slab', ({ estimator, slab }) => {
    const runs = [new VaeRun(shape, 2, estimator, new WasmKernels(1 << 24), slab), new VaeRun(shape, 2, estimator)];
    const draws = new RngDraws(shape.width);
    const opt = { ...PAPER_OPTIMIZER, lr: 0.05 }; // large steps: weights and logits move far
    for (let t = 0; t < 6; t++) {
      const rows = tinyRows(9, shape.pixels, 1000 * t);
      draws.setStep(5, t, shape.layers);
      for (const run of runs) run.update(rows, draws, opt);
    }
    const [simd, js] = runs.map((run) => ({ params: run.tensors.flatMap((x) => Array.from(x.value)), counters: run.counters, baselines: Array.from(run.baselines) }));
    expect(simd.counters.finite).toBe(true);
    expect(simd.counters.gradVarianceSum).toBeGreaterThan(0);
    // the same samples (a probability moved by float32 rounding crosses no uniform here), so the
    // counts agree exactly; the ELBO sum and the baselines to float32 rounding of their terms
    expect(simd.counters.updates).toBe(js.counters.updates);
    expect(beyond([simd.counters.scoreSum], [js.counters.scoreSum], 1e-6, 1)).toEqual([]);
    expect(beyond(simd.baselines, js.baselines, 1e-6, 1)).toEqual([]);
    // the variance metric: float32 gradients whose spread may be far below their mean
    expect(beyond([simd.counters.gradVarianceSum], [js.counters.gradVarianceSum], 1e-3, 0)).toEqual([]);
    // parameters after six Adam steps of 0.05: a step is lr·m̂/(√v̂ + ε), within float32 rounding
    // of the ratio except where a gradient entry is near 0 and m̂/√v̂ is sensitive to it: 0.1% of a step
    expect(beyond(simd.params, js.params, 1e-6, 0.05 * 6 * 1e-3 / 1e-6)).toEqual([]);
  });
});
