// WebGPU in Node through Dawn's `webgpu` package (DESIGN.md §6). Without a GPU, Dawn's Vulkan
// back end runs on SwiftShader from the Chromium package: VK_ICD_FILENAMES must name its ICD,
// and when the system has no Vulkan loader, Chromium's libvulkan.so.1 is loaded first (with
// RTLD_NODELETE, so it stays and Dawn's dlopen("libvulkan.so.1") finds it).
import { existsSync, readdirSync } from 'node:fs';
import { EngineError } from '../engine/types.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM_VULKAN_LOADER = '/usr/lib/chromium/libvulkan.so.1';
const SYSTEM_VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];
/** Where Vulkan drivers of a real GPU register (loader search paths, and NVIDIA's container path). */
const HARDWARE_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/local/nvidia/share/vulkan/icd.d'];
const RTLD_NOW = 2;
const RTLD_GLOBAL = 256;
const RTLD_NODELETE = 4096;

/** What was done to make SwiftShader reachable (for messages). */
export function prepareVulkanEnvironment(): string[] {
  const notes: string[] = [];
  if (process.platform !== 'linux') return notes;
  // SwiftShader only when no hardware Vulkan driver is registered: never hide a real GPU
  // (Mesa's lavapipe is software too, and too old for Dawn in Debian 12, so it does not count)
  const hardwareDriver = HARDWARE_ICD_DIRS.some((dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json') && !/lvp|swiftshader/i.test(f)));
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && !hardwareDriver && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    notes.push(`VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`);
  }
  if (!SYSTEM_VULKAN_LOADERS.some((p) => existsSync(p)) && existsSync(CHROMIUM_VULKAN_LOADER)) {
    try {
      process.dlopen({ exports: {} }, CHROMIUM_VULKAN_LOADER, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
    } catch {
      // expected: the loader is not a Node addon ("did not self-register"); it stays loaded
    }
    notes.push(`preloaded ${CHROMIUM_VULKAN_LOADER}`);
  }
  return notes;
}

let cached: GPU | undefined;

/** Dawn's GPU object (one per process), with the WebGPU globals (GPUBufferUsage, …) installed. */
export async function nodeGpu(): Promise<GPU> {
  if (cached) return cached;
  prepareVulkanEnvironment();
  let mod: { create: (flags: string[]) => GPU; globals: object };
  try {
    mod = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU; globals: object };
  } catch (error) {
    throw new EngineError(`no WebGPU adapter: the webgpu package could not be loaded (${error instanceof Error ? error.message : String(error)})`, 'unavailable');
  }
  Object.assign(globalThis, mod.globals);
  cached = mod.create([]);
  return cached;
}
