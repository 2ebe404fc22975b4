// The one inner kernel of the forward pass and the gradients on the CPU: sums of selected
// rows of a row-major matrix, out[o + i] = base[i] + scale · Σ_k src[rows[first + k] + i].
// Eight output columns are held in locals while the selected rows stream past, so each
// output is written once (3–5× faster in V8 than adding whole rows into the output).
// When every array lives in one WASM kernel instance's memory (the CPU engine's runs), the
// instance's f64x2 kernel computes the same sums bit for bit (wasm/kernels.ts sumRowsF32/F64).
import { kernelsOf } from '../../simd/wasmKernels.ts';


/**
 * out[outOffset + i] = base[i] + scale · Σ_{k < count} src[rows[first + k] + i] for i < width
 * (base absent: 0); rows hold element offsets into src. Sums run in k order per column.
 */
export function sumSelectedRows(
  src: Float32Array | Float64Array,
  rows: Int32Array,
  first: number,
  count: number,
  width: number,
  out: Float64Array,
  outOffset: number,
  scale: number,
  base: Float32Array | Float64Array | null,
): void {
  const kernels = kernelsOf(out);
  if (kernels && kernelsOf(src) === kernels && kernelsOf(rows) === kernels && (!base || kernelsOf(base) === kernels)) {
    const sum = src instanceof Float32Array ? kernels.exports.sumRowsF32 : kernels.exports.sumRowsF64;
    const baseKind = !base ? 0 : base instanceof Float32Array ? 1 : 2;
    sum(src.byteOffset, rows.byteOffset + 4 * first, count, width, out.byteOffset + 8 * outOffset, scale, base ? base.byteOffset : 0, baseKind);
    return;
  }
  let i = 0;
  for (; i + 7 < width; i += 8) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let k = first; k < first + count; k++) {
      const r = rows[k] + i;
      a0 += src[r];
      a1 += src[r + 1];
      a2 += src[r + 2];
      a3 += src[r + 3];
      a4 += src[r + 4];
      a5 += src[r + 5];
      a6 += src[r + 6];
      a7 += src[r + 7];
    }
    const o = outOffset + i;
    if (base) {
      out[o] = base[i] + scale * a0;
      out[o + 1] = base[i + 1] + scale * a1;
      out[o + 2] = base[i + 2] + scale * a2;
      out[o + 3] = base[i + 3] + scale * a3;
      out[o + 4] = base[i + 4] + scale * a4;
      out[o + 5] = base[i + 5] + scale * a5;
      out[o + 6] = base[i + 6] + scale * a6;
      out[o + 7] = base[i + 7] + scale * a7;
    } else {
      out[o] = scale * a0;
      out[o + 1] = scale * a1;
      out[o + 2] = scale * a2;
      out[o + 3] = scale * a3;
      out[o + 4] = scale * a4;
      out[o + 5] = scale * a5;
      out[o + 6] = scale * a6;
      out[o + 7] = scale * a7;
    }
  }
  for (; i < width; i++) {
    let a = 0;
    for (let k = first; k < first + count; k++) a += src[rows[k] + i];
    out[outOffset + i] = (base ? base[i] : 0) + scale * a;
  }
}
