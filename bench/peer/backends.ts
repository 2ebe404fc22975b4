// Selecting a TensorFlow.js backend in Node: cpu (plain JS, the reference), wasm (the CPU
// peer; its .wasm files are loaded from disk) and webgpu (needs navigator.gpu before the
// backend module is imported: Dawn's `webgpu` package provides it).
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import path from 'node:path';

export type PeerBackend = 'cpu' | 'wasm' | 'webgpu';

/** Folder holding tfjs-backend-wasm's .wasm files: $TFJS_WASM_DIR (the GPU bundle) or node_modules. */
export function wasmDir(): string {
  const fromEnv = process.env.TFJS_WASM_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  return path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist');
}

/** Makes `name` the active tfjs backend; throws with the reason when it cannot start. */
export async function useTfjsBackend(name: PeerBackend, gpu?: GPU): Promise<void> {
  if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = wasmDir();
    if (!existsSync(path.join(dir, 'tfjs-backend-wasm.wasm'))) throw new Error(`tfjs wasm files not found in ${dir}`);
    wasm.setWasmPaths(dir + path.sep);
  } else {
    // tfjs-backend-webgpu registers itself at import time only if globalThis.navigator.gpu exists
    if (!gpu) throw new Error('tfjs-webgpu needs a GPU object (Dawn: create([]))');
    const g = globalThis as { navigator?: { gpu?: GPU } };
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
}
