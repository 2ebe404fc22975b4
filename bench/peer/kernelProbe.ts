// Probe behind the proposal in the issue-6 report: our hidden-layer kernels (±1 inputs,
// batch 50, 200 → 200) against register-blocked JS variants (8 output units held in locals)
// and tfjs-wasm's matMul, on random data. Run: node --import tsx bench/peer/kernelProbe.ts
import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './backends.ts';
import { hiddenInputLogits } from '../../src/models/bandit/forward.ts';
import { hiddenInputGradient } from '../../src/models/bandit/gradients.ts';
await useTfjsBackend('wasm');
const B = 50, P = 200, C = 200;
const w = Float32Array.from({ length: P * C }, () => Math.random() - 0.5);
const bias = new Float32Array(C);
const sample = Uint8Array.from({ length: B * P }, () => (Math.random() < 0.5 ? 1 : 0));
const out = new Float64Array(B * C), base = new Float64Array(C);
const signal = Float64Array.from({ length: B * C }, () => Math.random() - 0.5);
const gW = new Float64Array(P * C), gB = new Float64Array(C);
// blocked variant: 8 output units in locals, whole fired list per example
function blockedLogits(): void {
  for (let i = 0; i < C; i++) base[i] = bias[i];
  for (let j = 0; j < P; j++) { const r = j * C; for (let i = 0; i < C; i++) base[i] -= w[r + i]; }
  const fired = new Int32Array(P);
  for (let b = 0; b < B; b++) {
    let n = 0; const sb = b * P;
    for (let j = 0; j < P; j++) if (sample[sb + j] === 1) fired[n++] = j * C;
    const o = b * C;
    for (let i = 0; i < C; i += 8) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
      for (let k = 0; k < n; k++) { const r = fired[k] + i; a0 += w[r]; a1 += w[r + 1]; a2 += w[r + 2]; a3 += w[r + 3]; a4 += w[r + 4]; a5 += w[r + 5]; a6 += w[r + 6]; a7 += w[r + 7]; }
      out[o + i] = base[i] + 2 * a0; out[o + i + 1] = base[i + 1] + 2 * a1; out[o + i + 2] = base[i + 2] + 2 * a2; out[o + i + 3] = base[i + 3] + 2 * a3;
      out[o + i + 4] = base[i + 4] + 2 * a4; out[o + i + 5] = base[i + 5] + 2 * a5; out[o + i + 6] = base[i + 6] + 2 * a6; out[o + i + 7] = base[i + 7] + 2 * a7;
    }
  }
}
const gW2 = new Float64Array(P * C), gB2 = new Float64Array(C);
// blocked gradient: per input j, the examples where it fired; 8 units of the row in locals
function blockedGradient(): void {
  const inv = 1 / B;
  gB2.fill(0);
  for (let b = 0; b < B; b++) { const o = b * C; for (let i = 0; i < C; i++) gB2[i] += signal[o + i] * inv; }
  const ex = new Int32Array(B);
  for (let j = 0; j < P; j++) {
    let n = 0;
    for (let b = 0; b < B; b++) if (sample[b * P + j] === 1) ex[n++] = b * C;
    const r = j * C;
    for (let i = 0; i < C; i += 8) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
      for (let k = 0; k < n; k++) { const q = ex[k] + i; a0 += signal[q]; a1 += signal[q + 1]; a2 += signal[q + 2]; a3 += signal[q + 3]; a4 += signal[q + 4]; a5 += signal[q + 5]; a6 += signal[q + 6]; a7 += signal[q + 7]; }
      gW2[r + i] = 2 * a0 * inv - gB2[i]; gW2[r + i + 1] = 2 * a1 * inv - gB2[i + 1]; gW2[r + i + 2] = 2 * a2 * inv - gB2[i + 2]; gW2[r + i + 3] = 2 * a3 * inv - gB2[i + 3];
      gW2[r + i + 4] = 2 * a4 * inv - gB2[i + 4]; gW2[r + i + 5] = 2 * a5 * inv - gB2[i + 5]; gW2[r + i + 6] = 2 * a6 * inv - gB2[i + 6]; gW2[r + i + 7] = 2 * a7 * inv - gB2[i + 7];
    }
  }
}
hiddenInputGradient(gW, gB, signal, C, sample, P, true, B); blockedGradient();
let maxg = 0, scale = 0; for (let e = 0; e < gW.length; e++) { maxg = Math.max(maxg, Math.abs(gW[e] - gW2[e])); scale = Math.max(scale, Math.abs(gW[e])); }
console.log('blocked gradient vs ours max rel diff', (maxg / scale).toExponential(2));
const ref = new Float64Array(B * C);
hiddenInputLogits(w, bias, sample, P, C, true, B, ref, base); blockedLogits();
let maxd = 0; for (let e = 0; e < ref.length; e++) maxd = Math.max(maxd, Math.abs(ref[e] - out[e]));
console.log('blocked vs ours max diff', maxd.toExponential(2));
const x = tf.tensor2d(Float32Array.from(sample, (s) => 2 * s - 1), [B, P]); const W = tf.tensor2d(w, [P, C]);
const s = tf.tensor2d(Float32Array.from(signal), [B, C]);
function med(f: () => void, n = 200): number { for (let i = 0; i < 20; i++) f(); const t: number[] = []; for (let i = 0; i < n; i++) { const a = performance.now(); f(); t.push(performance.now() - a); } t.sort((p, q) => p - q); return t[n >> 1]; }
const flops = 2 * B * P * C;
for (let round = 0; round < 2; round++) {
  const r = {
    'ours hiddenInputLogits': med(() => hiddenInputLogits(w, bias, sample, P, C, true, B, out, base)),
    'blocked JS (8 accumulators)': med(blockedLogits),
    'tfjs-wasm matMul+bias': med(() => { const y = tf.tidy(() => tf.add(tf.matMul(x, W), 0)); y.dataSync(); y.dispose(); }),
    'ours hiddenInputGradient': med(() => hiddenInputGradient(gW, gB, signal, C, sample, P, true, B)),
    'blocked JS gradient': med(blockedGradient),
    'tfjs-wasm (S^T x)^T': med(() => { const y = tf.tidy(() => tf.transpose(tf.matMul(tf.transpose(s), x))); y.dataSync(); y.dispose(); }),
  };
  for (const [k, v] of Object.entries(r)) console.log(k.padEnd(30), v.toFixed(3), 'ms', (flops / v / 1e6).toFixed(2), 'dense-equivalent GFLOP/s');
}
