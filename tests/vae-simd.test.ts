// The VAE's WASM SIMD kernels (wasm/kernels.ts vaeAffine, vaeAddRows, vaeFlipDecoder,
// vaeFlipEncoder, and Adam) equal the JavaScript reference loops bit for bit (docs/math.md §3):
// the same functions run once on arrays in a kernel instance's memory and once on heap arrays,
// on random and edge inputs (all-zero and all-one layers, widths not a multiple of the two
// f64 lanes or of the 8-column blocks, logits at the clip and weights beyond the flip tables'
// range), and whole training runs of every estimator agree bit for bit.
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

it('the kernels\' log1p is Math.log1p bit for bit (fdlibm) on (0, 1], the VAE\'s domain, and beyond', () => {
  const kernels = new WasmKernels(1024);
  const xs: number[] = [0, -0, 1, -1, 2 ** -29, 2 ** -54, 5e-324, 0.41421356237309503, 1e20, Infinity, -Infinity, Number.NaN];
  for (let k = 0; k < 100_000; k++) xs.push(unit(k), Math.exp(-40 * unit(k + 1e6)), (unit(k + 2e6) - 0.5) * 1e6, 2 * unit(k + 3e6) - 1);
  const bad = xs.filter((x) => !Object.is(kernels.exports.log1pF64(x), Math.log1p(x)));
  expect(bad).toEqual([]);
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

describe('encoder/decoder products and gradient rows equal the JS loops bit for bit', () => {
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
      const out: number[] = [];
      for (let l = 0; l <= layers; l++) {
        fillBits(s.phi[l], pattern, 100 * l);
        s.index(l);
      }
      for (let l = 1; l <= layers; l++) out.push(encoderLayer(params, l, s), ...s.u[l], ...s.p[l]);
      for (let m = 0; m <= layers; m++) {
        const grad = arena.f64(params.sizes[m]);
        out.push(decoderLayer(params, m, s, s, grad), ...s.v[m], ...grad);
      }
      const work = new ExampleWork(params.sizes, arena);
      for (let l = 0; l <= layers; l++) work.main.copyLayer(s, l);
      for (let l = 1; l <= layers; l++) work.encGrad[l].set(s.u[l]);
      for (let m = 0; m <= layers; m++) work.decGrad[m].set(s.v[m]);
      const grads = paramArrays(params).map((a) => arena.f64(a.length));
      addExampleGradients(params, work, grads);
      addExampleGradients(params, work, grads);
      for (const g of grads) for (const v of g) out.push(v);
      return out;
    });
    expect(results[0].every(Number.isFinite)).toBe(true);
    expect(results[0]).toEqual(results[1]);
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

describe('whole VAE updates in the kernel arena equal the JS reference bit for bit', () => {
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
    const [simd, js] = runs.map((run) => ({ params: run.tensors.map((x) => Array.from(x.value)), counters: run.counters, baselines: Array.from(run.baselines) }));
    expect(simd.counters.finite).toBe(true);
    expect(simd.counters.gradVarianceSum).toBeGreaterThan(0);
    expect(simd).toEqual(js);
  });
});
