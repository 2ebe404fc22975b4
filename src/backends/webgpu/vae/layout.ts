// Where the VAE program keeps each layer of each pass (docs/math.md §3): one logits, one samples and
// one signals buffer, each cut into 256-byte-aligned regions [runs × capacity × units], so that a
// kernel binds one layer's region (the units' kernels) or the whole buffer with element offsets
// (f-HNCA, which reads several layers at once). Pass 0 is the main forward pass; pass f ≥ 1 the
// partial pass of LOO and DisARM started at layer f (only when some run needs one).

/** A region of a buffer: byte offset and size, and its first f32 element. */
export interface Region {
  offset: number;
  size: number;
  /** offset / 4 */
  at: number;
}

/** Byte alignment of every region: WebGPU's largest allowed minStorageBufferOffsetAlignment. */
export const REGION_ALIGN = 256;

class RegionAllocator {
  bytes = 0;
  take(elements: number): Region {
    const offset = this.bytes;
    const size = Math.max(4, elements * 4);
    this.bytes = Math.ceil((offset + size) / REGION_ALIGN) * REGION_ALIGN;
    return { offset, size, at: offset / 4 };
  }
}

/**
 * Regions of one configuration. sizes = [pixels, width × L]; layer-indexed arrays use l = 0..L
 * (entries that a pass does not have are undefined).
 */
export interface VaeLayout {
  sizes: number[];
  layers: number;
  runs: number;
  capacity: number;
  /** partial passes exist (some run is LOO or DisARM) */
  pairs: boolean;
  /** encoderLogits[pass][l]: u_l; samples[pass][l]: φ_l (pass f: layers f..L); decoderLogits[pass][m]: v_m (pass f: m = f-1..L) */
  encoderLogits: (Region | undefined)[][];
  samples: (Region | undefined)[][];
  decoderLogits: (Region | undefined)[][];
  /** encoderGradient[l] (l = 1..L), decoderGradient[m] (m = 0..L): d estimate / d logits */
  encoderGradient: (Region | undefined)[];
  decoderGradient: Region[];
  logitBytes: number;
  sampleBytes: number;
  signalBytes: number;
  /** f32 slots per example per pass in the terms buffer: 2L + 2 */
  termStride: number;
  /** parameter offsets per run: encoder[l] = W_l (b_l follows), decoder[m] = D_m (c_m follows), prior = c_L */
  encoderParams: number[];
  decoderParams: number[];
  priorParams: number;
  paramsPerRun: number;
}

/** The layout of `runs` runs with layer sizes `sizes`, `capacity` examples per batch. */
export function vaeLayout(sizes: number[], runs: number, capacity: number, pairs: boolean): VaeLayout {
  const L = sizes.length - 1;
  const logits = new RegionAllocator();
  const samples = new RegionAllocator();
  const signals = new RegionAllocator();
  const block = (units: number) => runs * capacity * units;
  const encoderLogits: (Region | undefined)[][] = [];
  const sampleRegions: (Region | undefined)[][] = [];
  const decoderLogits: (Region | undefined)[][] = [];
  for (let pass = 0; pass <= (pairs ? L : 0); pass++) {
    const enc: (Region | undefined)[] = [undefined];
    const smp: (Region | undefined)[] = [undefined];
    for (let l = 1; l <= L; l++) {
      enc.push(l > pass ? logits.take(block(sizes[l])) : undefined);
      smp.push(l >= pass ? samples.take(block(sizes[l])) : undefined);
    }
    const dec: (Region | undefined)[] = [];
    for (let m = 0; m <= L; m++) dec.push(pass === 0 || m >= pass - 1 ? logits.take(block(sizes[m])) : undefined);
    encoderLogits.push(enc);
    sampleRegions.push(smp);
    decoderLogits.push(dec);
  }
  const encoderGradient: (Region | undefined)[] = [undefined];
  for (let l = 1; l <= L; l++) encoderGradient.push(signals.take(block(sizes[l])));
  const decoderGradient: Region[] = [];
  for (let m = 0; m <= L; m++) decoderGradient.push(signals.take(block(sizes[m])));
  const encoderParams: number[] = [0];
  const decoderParams: number[] = [];
  let p = 0;
  for (let l = 1; l <= L; l++) {
    encoderParams.push(p);
    p += (sizes[l - 1] + 1) * sizes[l];
  }
  for (let m = 0; m < L; m++) {
    decoderParams.push(p);
    p += (sizes[m + 1] + 1) * sizes[m];
  }
  const priorParams = p;
  p += sizes[L];
  return {
    sizes,
    layers: L,
    runs,
    capacity,
    pairs,
    encoderLogits,
    samples: sampleRegions,
    decoderLogits,
    encoderGradient,
    decoderGradient,
    logitBytes: logits.bytes,
    sampleBytes: samples.bytes,
    signalBytes: signals.bytes,
    termStride: 2 * L + 2,
    encoderParams,
    decoderParams,
    priorParams,
    paramsPerRun: p,
  };
}

/** The region, or an internal error naming what is missing (a layout bug). */
export function region(r: Region | undefined, what: string): Region {
  if (!r) throw new Error(`VAE layout: no region for ${what}`);
  return r;
}
