// WebGPU adapter and device acquisition for any GPU program (docs/math.md §6): the adapter, the
// raised limits, a one-line description, and the one software-adapter check that the engine,
// the worker and the CLI share. Never fakes a device: no adapter is an
// EngineError('unavailable') that says why. Imports no WebGPU globals (safe in any context).
import { EngineError } from '../../../engine/types.ts';

/** A device ready for a runtime, with what is known of its adapter. */
export interface AcquiredDevice {
  device: GPUDevice;
  /** one line: "vendor architecture device (description)" */
  description: string;
  /** a CPU implementation (SwiftShader, llvmpipe, WARP): shared-memory tiling only costs there */
  cpuAdapter: boolean;
  /** true when this module created the device (and so the runtime destroys it) */
  owned: boolean;
}

/** "vendor architecture device (description)" of an adapter, or what is known of it. */
export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'WebGPU adapter (no adapter information)';
  const name = [info.vendor, info.architecture, info.device].filter((s) => s && s.length > 0).join(' ');
  const detail = info.description && info.description.length > 0 ? info.description : '';
  if (name && detail) return `${name} (${detail})`;
  return name || detail || 'WebGPU adapter (unnamed)';
}

/**
 * Names of CPU implementations of WebGPU / Vulkan: SwiftShader, Mesa's llvmpipe and lavapipe
 * (whose Vulkan ICD manifest is lvp_icd.*.json), Microsoft's WARP ("Microsoft Basic Render
 * Driver"), and adapters that call themselves software.
 */
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|\blvp|microsoft basic render|warp|software/i;

/**
 * Whether a WebGPU adapter (its GPUAdapterInfo, or a one-line description such as
 * `EngineInfo.description`) or a Vulkan ICD manifest file name is a software (CPU)
 * implementation, slower than the CPU engine on these models (docs/math.md §6). An adapter that
 * reports `isFallbackAdapter` is one. The only such check in the code base: the engine (tile
 * choice), the worker and the CLI (engine choice) and the Node Vulkan set-up all call it.
 */
export function isSoftwareAdapter(adapter: GPUAdapterInfo | string | undefined): boolean {
  if (adapter === undefined) return false;
  if (typeof adapter === 'string') return SOFTWARE_NAMES.test(adapter);
  if ((adapter as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true) return true;
  return SOFTWARE_NAMES.test(`${adapter.vendor} ${adapter.architecture} ${adapter.device} ${adapter.description}`);
}

/** Limits beyond the defaults that large configurations use: ask for what the adapter has. */
const RAISED_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupsPerDimension'] as const;

/**
 * The given device (not owned), or a new one from `gpu` (default `navigator.gpu`) with the
 * adapter's raised limits (owned).
 * @throws EngineError('unavailable') when there is no WebGPU, no adapter or no device, saying why
 */
export async function acquireDevice(options: { device?: GPUDevice; gpu?: GPU }): Promise<AcquiredDevice> {
  if (options.device) {
    const info = (options.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return { device: options.device, description: describeAdapter(info), cpuAdapter: isSoftwareAdapter(info), owned: false };
  }
  const gpu = options.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!gpu) throw new EngineError('WebGPU engine: no WebGPU adapter: this environment has no navigator.gpu and no GPU object was given', 'unavailable');
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    throw new EngineError(`WebGPU engine: no WebGPU adapter: requestAdapter failed (${error instanceof Error ? error.message : String(error)})`, 'unavailable');
  }
  if (!adapter) {
    throw new EngineError(
      'WebGPU engine: no WebGPU adapter: requestAdapter() returned null (no usable GPU or Vulkan driver; on Linux without a GPU, SwiftShader needs VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)',
      'unavailable',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ label: 'hnca engine device', requiredLimits });
  } catch (error) {
    throw new EngineError(`WebGPU engine: requestDevice failed (${error instanceof Error ? error.message : String(error)})`, 'unavailable');
  }
  return { device, description: describeAdapter(adapter.info), cpuAdapter: isSoftwareAdapter(adapter.info), owned: true };
}
