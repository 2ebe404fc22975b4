// Picks the engine inside the worker: the WebGPU engine when the browser has an adapter and
// the engine is part of the build, else the CPU engine, with the reason in words.
import { createConvBanditCpuEngine, createCpuEngine } from '../backends/cpu/index.ts';
// the conv bandit's TensorFlow.js WebAssembly binaries, as URLs of the build's assets (fetched
// only when that task starts)
import tfjsWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfjsWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import tfjsWasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { describeAdapter, isSoftwareAdapter } from '../backends/webgpu/runtime/adapter.ts';
import { EngineError, type EngineChoice, type EngineFactoryInput, type TrainingEngine } from '../engine/types.ts';

/**
 * The WebGPU engine and its WGSL sources, loaded only when chosen (their own chunks of the
 * build): typed imports, so tsc checks the calls below against the modules.
 */
const loadWebGpu = (): Promise<[typeof import('../backends/webgpu/index.ts'), typeof import('../backends/webgpu/shaderSources.browser.ts')]> =>
  Promise.all([import('../backends/webgpu/index.ts'), import('../backends/webgpu/shaderSources.browser.ts')]);

export interface SelectedEngine {
  engine: TrainingEngine;
  /** null when the WebGPU engine runs; else why the CPU engine does */
  fallbackReason: string | null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why there is no navigator.gpu: browsers expose WebGPU to secure contexts only (https://, or
 * http://localhost), so a page opened over plain HTTP on a LAN address is told that, with the
 * way out; otherwise the browser has no WebGPU.
 * @param secure the context's isSecureContext (undefined outside a browser: not named)
 * @param origin the page's origin, named in the message
 */
export function noWebGpuReason(secure: boolean | undefined, origin: string | undefined): string {
  if (secure === false) {
    const where = origin ? ` (${origin})` : '';
    return `WebGPU unavailable: this page is not a secure context${where}; browsers offer WebGPU only over https:// or on localhost`;
  }
  return 'WebGPU unavailable: this browser exposes no WebGPU (navigator.gpu is missing)';
}

async function tryWebGpu(input: EngineFactoryInput, allowSoftware: boolean): Promise<TrainingEngine | string> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) return noWebGpuReason(globalThis.isSecureContext, globalThis.location?.origin);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return `WebGPU unavailable: requestAdapter() failed: ${messageOf(error)}`;
  }
  if (adapter === null) return 'WebGPU unavailable: no WebGPU adapter (requestAdapter() returned null)';
  // a CPU implementation of WebGPU (SwiftShader, llvmpipe, WARP) is slower than the CPU engine
  if (isSoftwareAdapter(adapter.info) && !allowSoftware) {
    return `the WebGPU adapter (${describeAdapter(adapter.info)}) is a software renderer, slower than the CPU engine (engine=webgpu uses it anyway)`;
  }
  try {
    const [engineModule, shaderModule] = await loadWebGpu();
    return await engineModule.createWebGpuEngine(input, { gpu, shaders: shaderModule.shaderSources });
  } catch (error) {
    // a task (or setting) without a WebGPU program yet, e.g. the VAE before its program lands
    if (error instanceof EngineError && error.kind === 'unavailable') return `the WebGPU engine does not run this configuration (${messageOf(error)}), so the CPU engine does`;
    return `WebGPU unavailable: the WebGPU engine failed to start: ${messageOf(error)}`;
  }
}

/**
 * auto: WebGPU on a hardware adapter, else CPU; webgpu: WebGPU on any adapter; cpu: CPU. The conv
 * bandit: its WebGPU engine (the trunk on TensorFlow.js's WebGPU back end) only with
 * engine=webgpu, else its CPU engine (the trunk on TensorFlow.js's WebAssembly back end); both
 * loaded on demand.
 */
export async function selectEngine(input: EngineFactoryInput, choice: EngineChoice): Promise<SelectedEngine> {
  if (input.config.task === 'conv-bandit') {
    let reason = choice === 'cpu' ? 'requested by engine=cpu in the URL' : 'the nonlinear bandit (appendix E) takes its WebGPU engine only with engine=webgpu in the URL: its trunk runs on TensorFlow.js';
    if (choice === 'webgpu') {
      const result = await tryWebGpu(input, true);
      if (typeof result !== 'string') return { engine: result, fallbackReason: null };
      reason = result;
    }
    const wasmUrls = { 'tfjs-backend-wasm.wasm': tfjsWasm, 'tfjs-backend-wasm-simd.wasm': tfjsWasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': tfjsWasmThreadedSimd };
    const engine = await createConvBanditCpuEngine(input.config, input, 'wasm', wasmUrls);
    return { engine, fallbackReason: reason };
  }
  let reason = 'requested by engine=cpu in the URL';
  if (choice !== 'cpu') {
    const result = await tryWebGpu(input, choice === 'webgpu');
    if (typeof result !== 'string') return { engine: result, fallbackReason: null };
    reason = result;
  }
  return { engine: createCpuEngine(input), fallbackReason: reason };
}
