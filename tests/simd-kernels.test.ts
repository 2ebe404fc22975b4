// The CPU engine's WebAssembly SIMD kernels (src/simd, source wasm/kernels.ts): the
// committed module is the build of the committed source; each kernel equals its JavaScript
// reference bit for bit on random and edge-case inputs; whole training runs are identical with
// and without the kernels; the engine falls back to JavaScript where SIMD is missing.
import { describe, expect, it } from 'vitest';
import { buildKernels, kernelsModuleText } from '../scripts/build-wasm.ts';
import { readFileSync } from 'node:fs';
import type { Dataset, ImageSet } from '../src/data/dataset.ts';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { ascentStep, ParameterTensor } from '../src/engine/optimizer.ts';
import { heapArrays, type ArrayAllocator } from '../src/simd/arrays.ts';
import { kernelArena, kernelsOf, WasmKernels, wasmSimdSupported } from '../src/simd/wasmKernels.ts';
import { PAPER_OPTIMIZER, type BanditConfig, type OptimizerConfig } from '../src/engine/types.ts';
import { sumSelectedRows } from '../src/models/bandit/rowSums.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { forwardBatch, forwardKeys, hiddenInputLogits } from '../src/models/bandit/forward.ts';
import { hiddenInputGradient, sparseInputGradient } from '../src/models/bandit/gradients.ts';
import { BanditScratch } from '../src/models/bandit/scratch.ts';
import { FlipTables } from '../src/models/units/flipTables.ts';
import { BanditParameters, banditShape, initBanditParameters } from '../src/models/bandit/parameters.ts';
import { allocSparseRows } from '../src/data/minibatch.ts';
import { CountingAllocator } from '../src/simd/arrays.ts';
import { TestRandom } from './helpers/random.ts';

const bits = (a: Float32Array | Float64Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

function arena(bytes = 1 << 20): WasmKernels {
  const k = kernelArena(bytes, true);
  if (!(k instanceof WasmKernels)) throw new Error('WebAssembly SIMD kernels did not load in Node');
  return k;
}

/** The same random float32/float64 values in two allocators. */
function twin<T extends Float32Array | Float64Array | Int32Array>(make: (a: ArrayAllocator) => T, values: ArrayLike<number>, a: ArrayAllocator, b: ArrayAllocator): [T, T] {
  const x = make(a);
  const y = make(b);
  x.set(values);
  y.set(values);
  return [x, y];
}

describe('WASM SIMD kernels: build and detection', () => {
  it('the committed module is the build of wasm/kernels.ts', async () => {
    const bytes = await buildKernels();
    expect(readFileSync(new URL('../src/simd/kernels.wasm.ts', import.meta.url), 'utf8')).toBe(kernelsModuleText(bytes));
  }, 180_000);

  it('detects SIMD in Node and puts a kernel arena’s arrays in its own memory', () => {
    expect(wasmSimdSupported()).toBe(true);
    const k = arena();
    const a = k.f32(5);
    expect(a.buffer).toBe(k.memory.buffer);
    expect(kernelsOf(a)).toBe(k);
    expect(kernelsOf(new Float32Array(5))).toBeNull();
    // without SIMD (or when asked not to) the arrays are on the heap
    expect(kernelArena(1000, false)).toBe(heapArrays);
  });

  it('never grows its memory: an allocation past the arena comes from the heap', () => {
    const k = arena(64);
    const inside = k.f64(k.free / 8);
    expect(k.free).toBe(0);
    const outside = k.f64(8);
    expect(kernelsOf(inside)).toBe(k);
    expect(kernelsOf(outside)).toBeNull();
    expect(inside.buffer.byteLength).toBe(k.memory.buffer.byteLength);
  });
});

describe('WASM SIMD kernels equal the JavaScript reference bit for bit', () => {
  const rnd = new TestRandom(16);

  /** sumSelectedRows on heap arrays (the JS loop) and on arena arrays (the kernel). */
  function compareRowSums(srcKind: 'f32' | 'f64', width: number, inputs: number, count: number, baseKind: 'none' | 'f32' | 'f64', scale: number, fill: (i: number) => number): void {
    const k = arena();
    const srcValues = Array.from({ length: inputs * width }, (_, i) => fill(i));
    const make = (a: ArrayAllocator): Float32Array | Float64Array => (srcKind === 'f32' ? a.f32(inputs * width) : a.f64(inputs * width));
    const [srcJs, srcWasm] = twin(make, srcValues, heapArrays, k);
    const rowValues = Array.from({ length: count + 3 }, () => rnd.int(inputs) * width);
    const [rowsJs, rowsWasm] = twin((a) => a.i32(count + 3), rowValues, heapArrays, k);
    const baseValues = Array.from({ length: width }, () => rnd.range(-2, 2));
    const [baseJs, baseWasm] =
      baseKind === 'none' ? [null, null] : baseKind === 'f32' ? twin((a) => a.f32(width), baseValues, heapArrays, k) : twin((a) => a.f64(width), baseValues, heapArrays, k);
    const outJs = heapArrays.f64(3 * width + 1);
    const outWasm = k.f64(3 * width + 1);
    outJs.fill(7);
    outWasm.fill(7);
    // first = 2 and outOffset = width + 1 exercise both offsets
    sumSelectedRows(srcJs, rowsJs, 2, count, width, outJs, width + 1, scale, baseJs);
    sumSelectedRows(srcWasm, rowsWasm, 2, count, width, outWasm, width + 1, scale, baseWasm);
    expect(kernelsOf(outWasm)).toBe(k);
    expect(bits(outWasm)).toEqual(bits(outJs));
    // the kernel wrote exactly the width outputs
    expect(outWasm[width]).toBe(7);
    expect(outWasm[2 * width + 1]).toBe(7);
  }

  it('sums of selected rows: float32 and float64 rows, every base kind, widths not a multiple of the vector width', () => {
    for (const srcKind of ['f32', 'f64'] as const) {
      for (const width of [1, 2, 3, 5, 7, 8, 9, 13, 16, 31, 200]) {
        for (const baseKind of ['none', 'f32', 'f64'] as const) {
          compareRowSums(srcKind, width, 11, 1 + rnd.int(9), baseKind, baseKind === 'none' ? 0.02 : 2, () => rnd.range(-1, 1) * 2 ** rnd.int(20));
        }
      }
    }
  });

  it('sums of selected rows: zero rows, all-ones inputs, one row, rows of extreme magnitude', () => {
    for (const width of [3, 8, 10]) {
      compareRowSums('f32', width, 4, 0, 'f32', 2, () => rnd.range(-1, 1)); // no row selected: out = base
      compareRowSums('f64', width, 4, 0, 'none', 1, () => rnd.range(-1, 1));
      compareRowSums('f32', width, 6, 9, 'f64', 1, () => 1); // all ones
      compareRowSums('f64', width, 6, 1, 'f64', -1, () => rnd.range(-1, 1));
      // 1e30-scale terms with tiny ones: any change of summation order would show
      compareRowSums('f64', width, 6, 8, 'none', 1, (i) => (i % 3 === 0 ? 1e30 : i % 3 === 1 ? -1e30 : 1e-3 * rnd.range(-1, 1)));
      compareRowSums('f32', width, 6, 8, 'f32', 1, (i) => (i % 2 === 0 ? 3e38 : -3e38));
    }
  });

  it("the kernels' exp and log (fdlibm, inside the module) equal Math.exp and Math.log on edge cases, every range and random bit patterns", () => {
    const e = arena(64).exports;
    const view = new Float64Array(1);
    const words = new Uint32Array(view.buffer);
    const values = [0, -0, 1, -1, 0.5, 2, Math.LN2 / 2, 1.5 * Math.LN2, 709.78, 709.79, -745.1, -745.2, -708.5, -720, 1e-300, 5e-324, 2.2250738585072014e-308, 1e-9, -1e-9, 3.7e-9, 1e308, Infinity, -Infinity, NaN];
    for (let i = 0; i < 30_000; i++) {
      values.push((rnd.next() - 0.5) * [2, 40, 1500][i % 3]);
      values.push(rnd.next() * 10 ** (rnd.int(40) - 20));
      words[0] = rnd.int(2 ** 32);
      words[1] = rnd.int(2 ** 32);
      values.push(view[0]);
    }
    const mismatches = values.filter((x) => !Object.is(e.expF64(x), Math.exp(x)) || !Object.is(e.logF64(x), Math.log(x)));
    expect(mismatches).toEqual([]);
  });

  /**
   * `edges`, then 40 000 values from `regular` (pairs on the vector path) and 20 000 random bit
   * patterns (mostly the scalar one), through `kernel` (two lanes at a time) at odd and even
   * lengths: the values whose result is not `reference`'s bit for bit.
   */
  function twoLaneMismatches(edges: number[], regular: (i: number) => number, kernel: 'expF64Array' | 'logF64Array', reference: (x: number) => number): number[] {
    const view = new Float64Array(1);
    const words = new Uint32Array(view.buffer);
    const values = [...edges];
    for (let i = 0; i < 40_000; i++) values.push(regular(i));
    for (let i = 0; i < 20_000; i++) {
      words[0] = rnd.int(2 ** 32);
      words[1] = rnd.int(2 ** 32);
      values.push(view[0]);
    }
    const mismatches: number[] = [];
    for (const n of [values.length, values.length - 1, 1, 3]) {
      const k = arena(16 * values.length + 64);
      const src = k.f64(n);
      src.set(values.slice(0, n));
      const dst = k.f64(n);
      expect(kernelsOf(dst)).toBe(k);
      k.exports[kernel](src.byteOffset, dst.byteOffset, n);
      mismatches.push(...values.slice(0, n).filter((x, i) => !Object.is(dst[i], reference(x))));
    }
    return mismatches;
  }

  it('exp two lanes at a time (expF64Array) equals Math.exp on both sides of every branch of fdlibm, mixed pairs and random values, odd lengths', () => {
    const near = (x: number): number[] => [x, -x, x * (1 + 2 ** -52), x * (1 - 2 ** -53), -x * (1 + 2 ** -52), -x * (1 - 2 ** -53)];
    const edges = [0, -0, 1, -1, 2 ** -28, 2 ** -29, 0.5 * Math.LN2, 1.5 * Math.LN2, 700, 708, 709.78, 709.79, 745.2, 1e-300, 5e-324, Infinity, -Infinity, NaN].flatMap((x) => (Number.isFinite(x) ? near(x) : [x]));
    expect(twoLaneMismatches(edges, (i) => (rnd.next() - 0.5) * [2, 40, 1400, 0.2][i % 4], 'expF64Array', Math.exp)).toEqual([]);
  });

  it('log two lanes at a time (logF64Array) equals Math.log on both sides of every branch of fdlibm (k = 0, i > 0, |f| < 2^-20, subnormal, 0, negative, ∞, NaN), mixed pairs and random values, odd lengths', () => {
    const near = (x: number): number[] => [x, x * (1 + 2 ** -52), x * (1 - 2 ** -53), x * (1 + 2 ** -21), x * (1 - 2 ** -21), x * (1 + 2 ** -19)];
    const edges = [0, -0, 1, 2, 0.5, Math.SQRT2, Math.SQRT1_2, 1.4, 1.3, 0.75, 3, 1e-300, 2 ** -1022, 5e-324, 1e-310, 1e300, Number.MAX_VALUE, -1, -5e-324, Infinity, -Infinity, NaN].flatMap((x) => (Number.isFinite(x) && x > 0 ? near(x) : [x]));
    // products of the flip kernels' range (e^±600), around 1, in (0, 4) and near powers of two
    const regular = (i: number): number => [Math.exp((rnd.next() - 0.5) * 1200), 1 + (rnd.next() - 0.5) * 2 ** -18, rnd.next() * 4, 2 ** Math.round((rnd.next() - 0.5) * 60) * (1 + (rnd.next() - 0.5) * 2 ** -22)][i % 4];
    expect(twoLaneMismatches(edges, regular, 'logF64Array', Math.log)).toEqual([]);
  });

  it('flip tables (exp(±m·W), largest shifts, row sums) equal the JS fill: odd widths, zero, tiny and huge weights, ±1 and 0/1 magnitudes', () => {
    for (const [rows, cols, magnitude, scale] of [[7, 13, 2, 1], [5, 8, 1, 0.001], [3, 1, 2, 300], [9, 11, 1, 800], [4, 6, 2, 0]] as const) {
      const weights = Array.from({ length: rows * cols }, (_, e) => (e % 5 === 0 ? 0 : e % 7 === 0 ? 0.5 : (rnd.next() - 0.5) * 2 * scale));
      const k = arena(64 * rows * cols + 4096);
      const fills = [heapArrays, k].map((arrays) => {
        const w = arrays.f32(rows * cols);
        w.set(weights);
        const t = new FlipTables(rows, cols, arrays);
        t.fill(w, magnitude);
        expect(kernelsOf(t.table)).toBe(arrays === k ? k : null);
        return { table: bits(t.table), maxShift: bits(t.maxShift), rowSum: bits(t.rowSum), largest: t.largestShift };
      });
      expect(fills[1]).toEqual(fills[0]);
    }
  });

  it('whole-layer logits and gradients from hidden samples and the sparse first layer: no unit fired, all fired, widths not a multiple of the vector width', () => {
    for (const [inWidth, width, batch] of [[1, 1, 1], [3, 7, 4], [9, 5, 6], [13, 200, 5]] as const) {
      for (const centered of [true, false]) {
        const k = arena();
        const shape = banditShape(inWidth, 1, width, 2, centered ? 'pm1' : '01');
        const sampleValues = Array.from({ length: batch * inWidth }, (_, e) => (e < inWidth ? 0 : e < 2 * inWidth ? 1 : rnd.bit(0.5)));
        const wValues = Array.from({ length: inWidth * width }, () => rnd.range(-1, 1));
        const biasValues = Array.from({ length: width }, () => rnd.range(-1, 1));
        const signalValues = Array.from({ length: batch * width }, (_, e) => (e % 5 === 0 ? 0 : rnd.range(-1, 1) * 2 ** rnd.int(12)));
        const out = [heapArrays, k].map((arrays) => {
          const s = new BanditScratch(shape, batch, arrays);
          const sample = arrays.u8(batch * inWidth);
          sample.set(sampleValues);
          const w = arrays.f32(inWidth * width);
          w.set(wValues);
          const bias = arrays.f32(width);
          bias.set(biasValues);
          const signal = arrays.f64(batch * width);
          signal.set(signalValues);
          const logits = arrays.f64(batch * width);
          hiddenInputLogits(w, bias, sample, inWidth, width, centered, batch, logits, s.baseLogit, s.selected);
          const gradW = arrays.f64(inWidth * width);
          const gradB = arrays.f64(width);
          const second = hiddenInputGradient(gradW, gradB, signal, width, sample, inWidth, centered, batch, s);
          // the same samples as sparse pixels: example b's on pixels are its fired units
          const rows = allocSparseRows(batch, inWidth);
          let n = 0;
          for (let b = 0; b < batch; b++) {
            rows.onStart[b] = n;
            for (let j = 0; j < inWidth; j++) if (sampleValues[b * inWidth + j] === 1) rows.onIndex[n++] = j;
          }
          rows.onStart[batch] = n;
          const sparseW = arrays.f64(inWidth * width);
          const sparseB = arrays.f64(width);
          const sparseSecond = sparseInputGradient(sparseW, sparseB, signal, width, rows, s);
          return { kernels: kernelsOf(logits), logits: bits(logits), gradW: bits(gradW), gradB: bits(gradB), second, sparseW: bits(sparseW), sparseB: bits(sparseB), sparseSecond };
        });
        expect(out[0].kernels).toBeNull();
        expect(out[1].kernels).toBe(k);
        expect({ ...out[1], kernels: null }).toEqual(out[0]);
      }
    }
  });

  /** One ascent step on heap tensors (JS) and on arena tensors (the kernel), from the same state. */
  function compareAscent(size: number, opt: OptimizerConfig, t: number, fill: (i: number) => number): void {
    const k = arena();
    const tensors = [heapArrays, k].map((arrays) => new ParameterTensor(size, arrays));
    const value = Array.from({ length: size }, () => rnd.range(-1, 1));
    const m = Array.from({ length: size }, () => rnd.range(-1e-3, 1e-3));
    const v = Array.from({ length: size }, (_, i) => (i % 7 === 0 ? 0 : rnd.range(0, 1e-4)));
    const grad = Array.from({ length: size }, (_, i) => fill(i));
    for (const p of tensors) {
      p.value.set(value);
      p.m.set(m);
      p.v.set(v);
      p.grad.set(grad);
    }
    const sums = tensors.map(() => new Float64Array(1));
    ascentStep([tensors[0]], opt, t, sums[0]);
    ascentStep([tensors[1]], opt, t, sums[1]);
    expect(kernelsOf(tensors[1].value)).toBe(k);
    expect(bits(sums[1])).toEqual(bits(sums[0]));
    for (const key of ['value', 'm', 'v'] as const) expect(bits(tensors[1][key])).toEqual(bits(tensors[0][key]));
  }

  it('Adam and SGD steps, odd sizes, zero and huge gradients, and Σ g² in index order', () => {
    const sgd: OptimizerConfig = { ...PAPER_OPTIMIZER, optimizer: 'sgd', lr: 0.05 };
    for (const size of [1, 2, 3, 8, 17, 200]) {
      for (const t of [1, 2, 1000]) {
        compareAscent(size, PAPER_OPTIMIZER, t, () => rnd.range(-1, 1) * 2 ** (rnd.int(40) - 20));
        compareAscent(size, sgd, t, () => rnd.range(-1, 1));
      }
      compareAscent(size, PAPER_OPTIMIZER, 3, () => 0);
      compareAscent(size, PAPER_OPTIMIZER, 3, (i) => (i % 2 === 0 ? 1e150 : 1e-3));
    }
  });
});

describe('the WASM message pass (HNCA credit) equals the JavaScript one bit for bit', () => {
  const rnd = new TestRandom(23);
  it('table products (tiles of four examples and the rest), clipped factors (large logits) and the log-domain path (huge weights), ±1 and 0/1, widths not a multiple of 4 and past one block of 32', () => {
    const cases = [['pm1', 13, 1, 6], ['01', 10, 1, 6], ['pm1', 9, 12, 6], ['01', 7, 40, 6], ['pm1', 6, 400, 6], ['pm1', 37, 1, 11], ['01', 70, 2, 9], ['pm1', 33, 5, 13]] as const;
    for (const [values, width, scale, batch] of cases) {
      const shape = banditShape(11, 3, width, 5, values);
      const counter = new CountingAllocator();
      new BanditRun(new BanditParameters(shape, counter), 'hnca', batch, counter);
      const k = arena(counter.bytes);
      const rows = allocSparseRows(batch, 11);
      let n = 0;
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < 11; j++) if (b === 0 || rnd.bit(0.4)) rows.onIndex[n++] = j; // example 0: all pixels on
        rows.onStart[b + 1] = n;
      }
      rows.count = batch;
      const credits = [heapArrays, k].map((arrays) => {
        const params = initBanditParameters(shape, 4, arrays);
        for (const w of params.weights) for (let i = 0; i < w.size; i++) w.value[i] *= scale;
        const run = new BanditRun(params, 'hnca', batch, arrays);
        forwardBatch(params, rows, forwardKeys(9, 3, 0, 5, 3), run.scratch);
        run.computeCredit(batch);
        expect(kernelsOf(run.scratch.credit[0])).toBe(arrays === k ? k : null);
        return [...run.scratch.credit.map((c) => bits(c)), bits(run.scratch.logQActual)];
      });
      expect(credits[1]).toEqual(credits[0]);
    }
  });
});

function randomImages(rnd: TestRandom, count: number, pixels: number, classes: number): ImageSet {
  const images = new Uint8Array(count * pixels);
  for (let i = 0; i < images.length; i++) images[i] = rnd.bit(0.6) ? 0 : rnd.bit(0.5) ? 255 : rnd.int(256);
  return { count, images, labels: Uint8Array.from({ length: count }, () => rnd.int(classes)) };
}

describe('the CPU engine with and without the WASM SIMD kernels', () => {
  const rnd = new TestRandom(7);
  const data: Dataset = { rows: 1, cols: 37, pixels: 37, classes: 10, train: randomImages(rnd, 120, 37, 10), test: randomImages(rnd, 30, 37, 10) };

  async function trained(config: BanditConfig, simd: boolean): Promise<{ description: string; state: string; scores: number[]}> {
    const engine = new CpuBanditEngine(config, data, undefined, simd);
    await engine.step(12);
    const scores = (await engine.evaluate()).map((r) => r.testScore);
    await engine.step(5);
    const state = await engine.exportState();
    const weights = await engine.readWeights(0, 0);
    engine.dispose();
    // every tensor, Adam moment, baseline and counter, bit for bit
    const text = JSON.stringify(state, (_k, v: unknown) => (v instanceof Float32Array || v instanceof Float64Array ? bits(v) : v));
    return { description: engine.info.description, state: text + JSON.stringify(Array.from(weights.data)), scores };
  }

  it('trains identically (samples, parameters, Adam moments, counters, evaluation) at depth 1–3, ±1 and 0/1, widths not a multiple of 8', async () => {
    const base: BanditConfig = { task: 'bandit', hidden: 1, width: 13, hiddenValues: 'pm1', estimators: ['hnca', 'reinforce', 'hnca-baseline'], seeds: [2, 5], batch: 7, ...PAPER_OPTIMIZER, lr: 1e-2 };
    for (const change of [{}, { hidden: 2, hiddenValues: '01' as const, width: 10 }, { hidden: 3, width: 9 }, { hidden: 2, optimizer: 'sgd' as const, lr: 0.1 }]) {
      const config = { ...base, ...change };
      const js = await trained(config, false);
      const wasm = await trained(config, true);
      expect(wasm.description).toContain('WebAssembly SIMD kernels');
      expect(wasm.scores).toEqual(js.scores);
      expect(wasm.state).toBe(js.state);
    }
  });

  it('falls back to JavaScript where WebAssembly SIMD is missing (detection injected) and says so', async () => {
    const config: BanditConfig = { task: 'bandit', hidden: 2, width: 8, hiddenValues: 'pm1', estimators: ['reinforce'], seeds: [1], batch: 5, ...PAPER_OPTIMIZER };
    const js = await trained(config, false);
    expect(js.description).toContain('no WebAssembly SIMD');
    expect((await trained(config, true)).state).toBe(js.state);
  });
});
