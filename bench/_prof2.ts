import * as tf from '@tensorflow/tfjs-core';
import { useTrunkBackend } from '../src/trunk/backend.ts';
await useTrunkBackend('wasm');
const B = 50;
const time = (name: string, f: () => tf.Tensor) => {
  for (let i = 0; i < 2; i++) { const t = f(); t.dataSync(); t.dispose(); }
  const t0 = performance.now(); const n = 5;
  for (let i = 0; i < n; i++) { const t = f(); t.dataSync(); t.dispose(); }
  console.log(name.padEnd(40), ((performance.now() - t0) / n).toFixed(1), 'ms');
};
const flat = tf.randomNormal([B, 9216]); const dU = tf.randomNormal([B, 200]); const wT = tf.randomNormal([200, 9216]);
const x1 = tf.randomNormal([B, 26, 26, 16]) as tf.Tensor4D; const dA = tf.randomNormal([B, 24, 24, 16]) as tf.Tensor4D;
const filt = tf.randomNormal([3, 3, 16, 16]) as tf.Tensor4D;
function patches(x: tf.Tensor4D): tf.Tensor3D {
  const [batch, h, w, c] = x.shape; const oh = h - 2, ow = w - 2; const parts: tf.Tensor4D[] = [];
  for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) parts.push(tf.slice(x, [0, dy, dx, 0], [batch, oh, ow, c]));
  return tf.reshape(tf.concat(parts, 3), [batch, oh * ow, 9 * c]);
}
time('gradWT matMul(dU^T, flat)', () => tf.tidy(() => tf.matMul(tf.transpose(dU), flat)));
time('dU x wT', () => tf.tidy(() => tf.matMul(dU, wT)));
time('patches(x1)', () => tf.tidy(() => patches(x1)));
const P = patches(x1);
time('per-example filter grad (batched)', () => tf.tidy(() => tf.matMul(tf.transpose(tf.reshape(dA, [B, 576, 16]), [0, 2, 1]), P)));
time('mean filter grad (one matmul)', () => tf.tidy(() => tf.matMul(tf.transpose(tf.reshape(dA, [B * 576, 16])), tf.reshape(P, [B * 576, 144]))));
time('conv2dBackpropFilter via tf.conv2d grad?', () => tf.tidy(() => tf.conv2dTranspose(dA, filt, [B, 26, 26, 16], 1, 'valid')));
time('forward conv2d', () => tf.tidy(() => tf.conv2d(x1, filt, 1, 'valid')));
time('forward dense', () => tf.tidy(() => tf.matMul(flat, tf.transpose(wT))));
time('filter grad conv2d trick', () => tf.tidy(() => {
  const xT = tf.transpose(x1, [3, 1, 2, 0]); // [16,26,26,B]
  const f = tf.transpose(dA, [1, 2, 0, 3]); // [24,24,B,16]
  return tf.transpose(tf.conv2d(xT as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'), [1, 2, 0, 3]);
}));
time('input grad conv2d full', () => tf.tidy(() => {
  const rot = tf.transpose(tf.reverse(filt, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(tf.pad(dA, [[0, 0], [2, 2], [2, 2], [0, 0]]) as tf.Tensor4D, rot, 1, 'valid');
}));
{
  const a = tf.conv2dTranspose(dA, filt, [B, 26, 26, 16], 1, 'valid');
  const rot = tf.transpose(tf.reverse(filt, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const b = tf.conv2d(tf.pad(dA, [[0, 0], [2, 2], [2, 2], [0, 0]]) as tf.Tensor4D, rot, 1, 'valid');
  console.log('input grad max diff', tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  const m1 = tf.matMul(tf.transpose(tf.reshape(dA, [B * 576, 16])), tf.reshape(P, [B * 576, 144])); // [16, 144] = [out, (dy,dx,in)]
  const xT = tf.transpose(x1, [3, 1, 2, 0]); const f = tf.transpose(dA, [1, 2, 0, 3]);
  const m2 = tf.transpose(tf.conv2d(xT as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'), [1, 2, 0, 3]); // [3,3,in,out]
  const m2r = tf.transpose(tf.reshape(m2, [144, 16]));
  console.log('filter grad max diff', tf.max(tf.abs(tf.sub(m1, m2r))).dataSync()[0], tf.max(tf.abs(m1)).dataSync()[0]);
}
