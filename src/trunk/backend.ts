// The TensorFlow.js back end the conv bandit's trunk runs on (docs/math.md §7.2). WebAssembly
// (XNNPACK kernels; in Node its .wasm files load from the package folder) is the default; the
// plain-JavaScript CPU back end is the fallback where WebAssembly cannot start.
import * as tf from '@tensorflow/tfjs-core';

/** The tfjs back ends the trunk may run on. */
export const TRUNK_BACKENDS = ['wasm', 'cpu'] as const;
export type TrunkBackend = (typeof TRUNK_BACKENDS)[number];

/**
 * Where the WebAssembly back end's binaries are, by file name (tfjs-backend-wasm.wasm,
 * tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm): a bundled page passes
 * their URLs; Node finds them beside the package's script without it.
 */
export type WasmBinaryUrls = Record<string, string>;

/** Whether the WebAssembly back end was asked to start (its binaries' URLs are fixed from then on). */
let wasmStarted = false;

/**
 * Makes `preferred` the active tfjs back end (registering it on first use), else the CPU one,
 * and returns the back end in use with a line saying why. `wasmUrls` applies before the
 * WebAssembly back end first starts.
 * @throws Error when no tfjs back end can start
 */
export async function useTrunkBackend(preferred: TrunkBackend = 'wasm', wasmUrls?: WasmBinaryUrls): Promise<{ backend: TrunkBackend; why: string }> {
  let reason = '';
  if (preferred === 'wasm') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // the binaries' URLs can be set once, before the back end first starts
      if (wasmUrls && !wasmStarted) wasm.setWasmPaths(wasmUrls);
      wasmStarted = true;
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { backend: 'wasm', why: 'TensorFlow.js WebAssembly back end' };
      }
      reason = 'the WebAssembly back end did not start';
    } catch (error) {
      reason = `the WebAssembly back end failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error(`no TensorFlow.js back end could start${reason ? `: ${reason}` : ''}`);
  await tf.ready();
  return { backend: 'cpu', why: `TensorFlow.js CPU back end${reason ? ` (${reason})` : ''}` };
}
