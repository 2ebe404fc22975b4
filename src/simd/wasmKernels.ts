// The CPU engine's WebAssembly SIMD kernels (source: wasm/kernels.ts, AssemblyScript; bytes:
// ./kernels.wasm.ts). Each run owns one instance whose linear memory is an arena of the run's
// arrays (ArrayAllocator); the memory never grows, so the views stay valid. The JavaScript
// loops stay the reference: every kernel equals its JS twin bit for bit (tests/simd-kernels.test.ts),
// except the VAE's float32 path (wasm/kernels.ts, tests/vae-simd.test.ts: within float32
// rounding); a call whose arrays are not all in one instance's memory takes the JS path.
import { alignedBytes, heapArrays, type ArrayAllocator } from './arrays.ts';
import { KERNELS_WASM_BASE64 } from './kernels.wasm.ts';

/** The instance's exports (wasm/kernels.ts); pointers are byte offsets into its memory. */
interface KernelExports {
  heapBase(): number;
  sumRowsF32(src: number, rows: number, count: number, width: number, out: number, scale: number, base: number, baseKind: number): void;
  sumRowsF64(src: number, rows: number, count: number, width: number, out: number, scale: number, base: number, baseKind: number): void;
  adam(value: number, grad: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number, eps: number, c1: number, c2: number): number;
  sgd(value: number, grad: number, n: number, lr: number): number;
  sampleBernoulliLayer(logit: number, prob: number, sample: number, batch: number, width: number, key: number, exampleOffset: number): void;
  hiddenLogits(w: number, bias: number, sample: number, inWidth: number, width: number, centered: number, batch: number, out: number, base: number, selected: number): void;
  biasGradient(gradB: number, signal: number, width: number, batch: number, inv: number, squares: number): void;
  hiddenGradient(gradW: number, gradB: number, signal: number, width: number, sample: number, inWidth: number, centered: number, batch: number, squares: number, negBias: number, selected: number): number;
  csrRowSums(gradW: number, signal: number, start: number, list: number, inputs: number, width: number, scale: number): void;
  /** fdlibm's exp and log as the kernels compute them (equal to V8's Math.exp and Math.log) */
  /** exp of n float64 values (src → dst, may alias), two lanes at a time; bit for bit Math.exp */
  expF64Array(src: number, dst: number, n: number): void;
  /** log of n float64 values (src → dst, may alias), two lanes at a time; bit for bit Math.log */
  logF64Array(src: number, dst: number, n: number): void;
  /** FlipTables.fill for float32 weights (src/models/units/flipTables.ts); returns the largest shift */
  fillFlipTablesF32(w: number, rows: number, cols: number, magnitude: number, table: number, maxShift: number, rowSum: number): number;
  /** HNCA credit of the last hidden layer from the softmax output, one example (src/models/bandit/messages.ts softmaxChildCredit) */
  softmaxCreditExample(prob: number, sample: number, width: number, z: number, actions: number, a: number, max: number, table: number, credit: number, ex: number): void;
  expF64(x: number): number;
  logF64(x: number): number;
  /** HNCA credit of one example's hidden layer from its Bernoulli children (src/models/bandit/messages.ts bernoulliChildrenCredit); 1 when it needs the log-domain path */
  /** VAE forward.ts affine: out = b + Σ_{k} w[on[k], :] (float32 w, b, summed in float32; float64 out) */
  vaeAffine(w: number, b: number, on: number, onCount: number, n: number, out: number): void;
  /** VAE forward.ts affineSlab: vaeAffine for n examples, rec[4e..] = on_e, onCount_e, out_e (float32 sums) */
  vaeAffineSlab(w: number, b: number, nOut: number, n: number, rec: number): void;
  /** VAE draws.ts RngDraws.bernoulli / antithetic: out = [u < p] or out = [1 − u < p], anti = [u < p], u = uniform(key, base + i) */
  vaeBernoulli(key: number, base: number, p: number, n: number, out: number, antithetic: number, anti: number): void;
  /** VAE gradients.ts addRows: gB += g, gW[on[k], :] += g */
  vaeAddRows(g: number, n: number, on: number, onCount: number, gW: number, gB: number): void;
  /** VAE gradients.ts batch assembly: out[j, :] = scale · ((accumulate ? out[j, :] : 0) + Σ_{k in start[j]..start[j+1]) src[list[k] + :]), float32 src (element offsets of 4 bytes) summed in float32, float64 out */
  vaeCsrRowsF32(out: number, src: number, start: number, list: number, inputs: number, width: number, accumulate: number, scale: number): void;
  /** ShiftedGradientVariance.finish's Σ (gradW − x0 s0ᵀ)² + Σ (gradB − s0)², in two float64 lanes */
  shiftedSquareSum(gradW: number, gradB: number, x0: number, s0: number, inputs: number, width: number): number;
  /** VAE forward.ts PassState.index: the on-list of a 0/1 layer; returns its length */
  indexOn(phi: number, n: number, on: number): number;
  /** VAE estimators.ts one layer's signal: REINFORCE (disarm < 0), LOO (0), DisARM (1) */
  vaeLayerSignal(phi: number, alt: number, p: number, q: number, ut: number, n: number, signal: number, disarm: number, g: number): void;
  /** gradientVariance.ts: Σ v², Σ (v − s0)², Σ v·(v − s0) into out[0..3) */
  signalMoments(g: number, s0: number, n: number, out: number): void;
  /** dst = float32(src), n values */
  demoteF64(src: number, dst: number, n: number): void;
  /** Adam's ascent step in float32 lanes (no Σ g²): the VAE's optimizer */
  adamF32(value: number, grad: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number, eps: number, c1: number, c2: number): void;
  /** VAE counterfactual.ts flipLogProbDelta's table path */
  vaeFlipDecoder(w: number, table: number, rowSum: number, parents: number, nParents: number, p: number, q: number, on: number, onCount: number, nChildren: number, K: number, out: number): void;
  /** VAE counterfactual.ts encoderChildDeltas' table loop */
  vaeFlipEncoder(w: number, table: number, rowSum: number, parents: number, nParents: number, ut: number, p: number, q: number, on: number, onCount: number, nChildren: number, K: number, basePU: number, outLogQ: number, outEnt: number): void;
  /** vaeFlipDecoder for a slab of n examples, the chunk of children outermost; rec: 8 int32 per example (wasm/kernels.ts) */
  vaeFlipDecoderSlab(w: number, table: number, rowSum: number, nParents: number, nChildren: number, K: number, n: number, rec: number): void;
  /** vaeFlipEncoder for a slab of n examples, the chunk of children outermost; rec: 8 int32 per example, basePU float64 [n] */
  vaeFlipEncoderSlab(w: number, table: number, rowSum: number, nParents: number, nChildren: number, K: number, n: number, rec: number, basePU: number): void;
  /** VAE forward.ts encoderLayer's units in float32 lanes: clamp, σ(±u) and the entropy sum (nats, float64 sum) */
  vaeEncoderUnits(u: number, ut: number, p: number, q: number, n: number, clip: number): number;
  /** VAE forward.ts decoderLayer's units in float32 lanes: σ(±v) and Σ log p(t | v) (nats, float64 sum); grad ≠ 0: also grad = t − σ(v) */
  vaeDecoderUnits(v: number, t: number, dp: number, dq: number, n: number, grad: number): number;
  bernoulliCreditExample(table: number, maxShift: number, childLogit: number, childSample: number, t: number, offset0: number, offset1: number, sample: number, prob: number, width: number, childWidth: number, logitClip: number, credit: number, logQActual: number): number;
}

/**
 * The smallest module using a SIMD instruction: (func (result v128) (v128.const i32x4 0 0 0 0)).
 * WebAssembly.validate of it is true exactly where the engine may use 128-bit SIMD.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c,
  ...new Array<number>(16).fill(0),
  0x0b,
]);

/** Whether this JavaScript engine runs WebAssembly with 128-bit SIMD (false without WebAssembly). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

let compiled: WebAssembly.Module | null = null;

function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    const text = atob(KERNELS_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

const PAGE = 65536;

/** Which instance's memory holds an array buffer (the kernels look their instance up by it). */
const owners = new WeakMap<ArrayBufferLike, WasmKernels>();

/**
 * One kernel instance and its memory: an arena of `bytes` bytes for one owner's arrays
 * (allocated by bump pointer, never freed, never grown). An allocation that does not fit any
 * more comes from the JS heap, so it stays correct (the kernels then take the JS path).
 */
export class WasmKernels implements ArrayAllocator {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  private next: number;
  private readonly end: number;

  /** Throws when WebAssembly cannot instantiate the module (callers fall back to the heap). */
  constructor(bytes: number) {
    const module = kernelModule();
    // the module's own static data sits below its heap base; the arena starts on the next page
    const start = PAGE;
    const pages = Math.ceil((start + alignedBytes(bytes)) / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    // exp and log are fdlibm's inside the module, bit for bit V8's Math.exp and Math.log
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    if (this.exports.heapBase() > start) throw new Error(`WASM kernels' static data ends at ${this.exports.heapBase()}, above the arena's start ${start}`);
    this.next = start;
    this.end = pages * PAGE;
    owners.set(this.memory.buffer, this);
  }

  private take(bytes: number): number {
    const at = this.next;
    if (at + bytes > this.end) return -1;
    this.next = at + alignedBytes(bytes);
    return at;
  }
  f32(n: number): Float32Array {
    const at = this.take(4 * n);
    return at < 0 ? new Float32Array(n) : new Float32Array(this.memory.buffer, at, n);
  }
  f64(n: number): Float64Array {
    const at = this.take(8 * n);
    return at < 0 ? new Float64Array(n) : new Float64Array(this.memory.buffer, at, n);
  }
  i32(n: number): Int32Array {
    const at = this.take(4 * n);
    return at < 0 ? new Int32Array(n) : new Int32Array(this.memory.buffer, at, n);
  }
  u8(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(n) : new Uint8Array(this.memory.buffer, at, n);
  }
  /** Bytes of the arena still free. */
  get free(): number {
    return this.end - this.next;
  }
}

/** The kernel instance whose memory holds `a` (null for a heap array). */
export function kernelsOf(a: ArrayBufferView): WasmKernels | null {
  return owners.get(a.buffer) ?? null;
}

/** The kernel instance whose memory holds every one of `arrays` (null when one is elsewhere: take the JS path). */
export function commonKernels(...arrays: ArrayBufferView[]): WasmKernels | null {
  const buffer = arrays[0].buffer;
  const kernels = owners.get(buffer) ?? null;
  if (!kernels) return null;
  // the memory never grows, so every view of it has this one buffer (no memory.buffer call per array)
  for (let i = 1; i < arrays.length; i++) if (arrays[i].buffer !== buffer) return null;
  return kernels;
}

/**
 * An arena of `bytes` bytes in a new kernel instance's memory where `simd` (default: detected)
 * says WebAssembly SIMD runs, else (or when instantiation fails) the JS heap.
 */
export function kernelArena(bytes: number, simd: boolean = wasmSimdSupported()): ArrayAllocator {
  if (!simd) return heapArrays;
  try {
    return new WasmKernels(bytes);
  } catch {
    return heapArrays;
  }
}
