// WebGPU device acquisition for the engine: the adapter, the limits the bandit kernels need,
// and a one-line description of the adapter. Never fakes a device: no adapter is an
// EngineError('unavailable') that says why.
import { EngineError } from '../types.ts';

export interface AcquiredDevice {
  device: GPUDevice;
  description: string;
  /** a CPU implementation (SwiftShader, lavapipe, WARP): shared-memory tiling only costs there */
  cpuAdapter: boolean;
  /** true when this module created the device (and so destroys it) */
  owned: boolean;
}

/** "vendor architecture (description)" of an adapter, or what is known of it. */
export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'WebGPU adapter (no adapter information)';
  const name = [info.vendor, info.architecture, info.device].filter((s) => s && s.length > 0).join(' ');
  const detail = info.description && info.description.length > 0 ? info.description : '';
  if (name && detail) return `${name} (${detail})`;
  return name || detail || 'WebGPU adapter (unnamed)';
}

/** Whether the adapter is a CPU implementation of WebGPU (a fallback adapter). */
export function isCpuAdapter(info: GPUAdapterInfo | undefined): boolean {
  if (!info) return false;
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return fallback || /swiftshader|llvmpipe|lavapipe|microsoft basic render|warp/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** Limits beyond the defaults that large configurations use: ask for what the adapter has. */
const RAISED_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupsPerDimension'] as const;

export async function acquireDevice(options: { device?: GPUDevice; gpu?: GPU }): Promise<AcquiredDevice> {
  if (options.device) {
    const info = (options.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return { device: options.device, description: describeAdapter(info), cpuAdapter: isCpuAdapter(info), owned: false };
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
  return { device, description: describeAdapter(adapter.info), cpuAdapter: isCpuAdapter(adapter.info), owned: true };
}

/** Throws EngineError('limits') naming the limit when `needed` exceeds it. */
export function requireLimit(device: GPUDevice, limit: keyof GPUSupportedLimits, needed: number, what: string): void {
  const have = device.limits[limit];
  if (typeof have !== 'number') return;
  if (needed > have) {
    throw new EngineError(`WebGPU engine: ${what} needs ${limit} >= ${needed}, but this device allows ${have}; use a smaller configuration (fewer runs, narrower layers or a smaller batch)`, 'limits');
  }
}
