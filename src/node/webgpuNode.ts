// WebGPU in Node through Dawn's `webgpu` package (docs/math.md §6). Without a GPU, Dawn's Vulkan
// back end runs on SwiftShader from the Chromium the tests use (CHROME_PATH, else the system's;
// see chromiumSetup.ts): VK_ICD_FILENAMES must name its ICD, and when the system has no Vulkan
// loader, that Chromium's libvulkan.so.1 is loaded first (with RTLD_NODELETE, so it stays and
// Dawn's dlopen("libvulkan.so.1") finds it).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../engine/types.ts';
import { locateChromium, machineView, nodeVulkan, swiftShaderIcdFor } from './chromiumSetup.ts';

const SYSTEM_VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];
const RTLD_NOW = 2;
const RTLD_GLOBAL = 256;
const RTLD_NODELETE = 4096;

/** What was done to make SwiftShader reachable (for messages). */
export function prepareVulkanEnvironment(): string[] {
  const notes: string[] = [];
  if (process.platform !== 'linux') return notes;
  // SwiftShader only when no hardware Vulkan driver is registered and none was chosen: never hide a real GPU
  const machine = machineView();
  const browser = locateChromium(machine)?.path;
  const vulkan = nodeVulkan(machine, browser);
  if (vulkan.kind === 'swiftshader') {
    process.env.VK_ICD_FILENAMES = vulkan.icd;
    notes.push(`VK_ICD_FILENAMES=${vulkan.icd}`);
  }
  const browserIcd = browser === undefined ? undefined : swiftShaderIcdFor(machine, browser);
  const chromiumLoader = browserIcd === undefined ? undefined : path.join(path.dirname(browserIcd), 'libvulkan.so.1');
  if (chromiumLoader && !SYSTEM_VULKAN_LOADERS.some((p) => existsSync(p)) && existsSync(chromiumLoader)) {
    try {
      process.dlopen({ exports: {} }, chromiumLoader, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
    } catch {
      // expected: the loader is not a Node addon ("did not self-register"); it stays loaded
    }
    notes.push(`preloaded ${chromiumLoader}`);
  }
  return notes;
}

let cached: GPU | undefined;

/** What the `webgpu` package (Dawn) exports: its GPU factory and the WebGPU globals. */
export interface DawnModule {
  create: (flags: string[]) => GPU;
  globals: object;
}

/** The one line shown when the optional `webgpu` package is not installed (npm's --omit=optional, or a failed install). */
export const WEBGPU_MISSING_MESSAGE =
  'WebGPU engine not available: the optional package webgpu (Dawn) is not installed; install it with `npm install webgpu`, or use --engine cpu';

/** Whether `error` says that the package `name` itself is not installed (not that something inside it failed). */
function isMissingPackage(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && error.message.includes(`'${name}'`);
}

/**
 * Dawn's GPU object (one per process), with the WebGPU globals (GPUBufferUsage, …) installed.
 * `load` imports the `webgpu` package (replaced by tests).
 * @throws EngineError('unavailable') with WEBGPU_MISSING_MESSAGE when the package is not
 *   installed, or naming the error when it is installed but fails to load (e.g. its native library)
 */
export async function nodeGpu(load: () => Promise<unknown> = () => import('webgpu')): Promise<GPU> {
  if (cached) return cached;
  prepareVulkanEnvironment();
  let mod: DawnModule;
  try {
    mod = (await load()) as DawnModule;
  } catch (error) {
    if (isMissingPackage(error, 'webgpu')) throw new EngineError(WEBGPU_MISSING_MESSAGE, 'unavailable');
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new EngineError(`no WebGPU adapter: the webgpu package could not be loaded (${message})`, 'unavailable');
  }
  Object.assign(globalThis, mod.globals);
  cached = mod.create([]);
  return cached;
}
