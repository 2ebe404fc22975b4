// The one software-adapter check (runtime/adapter.ts) that the engine, the worker, the CLI and
// the Node Vulkan set-up share: adapter information, one-line descriptions and ICD file names.
import { describe, expect, it } from 'vitest';
import { describeAdapter, isSoftwareAdapter } from '../src/backends/webgpu/runtime/adapter.ts';

function info(fields: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }): GPUAdapterInfo {
  return { vendor: '', architecture: '', device: '', description: '', ...fields } as GPUAdapterInfo;
}

describe('isSoftwareAdapter', () => {
  it('recognises CPU implementations by adapter information, and a fallback adapter whatever its name', () => {
    expect(isSoftwareAdapter(info({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0' }))).toBe(true);
    expect(isSoftwareAdapter(info({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(true);
    expect(isSoftwareAdapter(info({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }))).toBe(true);
    expect(isSoftwareAdapter(info({ vendor: 'acme', isFallbackAdapter: true }))).toBe(true);
    expect(isSoftwareAdapter(info({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' }))).toBe(false);
    expect(isSoftwareAdapter(info({ vendor: 'apple', architecture: 'metal-3' }))).toBe(false);
    expect(isSoftwareAdapter(undefined)).toBe(false);
  });

  it('recognises the same adapters by their one-line description (EngineInfo.description)', () => {
    const swiftShader = describeAdapter(info({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0' }));
    expect(isSoftwareAdapter(swiftShader)).toBe(true);
    expect(isSoftwareAdapter('mesa llvmpipe')).toBe(true);
    expect(isSoftwareAdapter('nvidia ampere (NVIDIA A100)')).toBe(false);
    expect(isSoftwareAdapter('intel gen-12lp (Intel(R) Iris(R) Xe Graphics)')).toBe(false);
  });

  it('recognises software Vulkan ICD manifests by file name, not hardware ones', () => {
    expect(isSoftwareAdapter('lvp_icd.x86_64.json')).toBe(true);
    expect(isSoftwareAdapter('vk_swiftshader_icd.json')).toBe(true);
    for (const hardware of ['nvidia_icd.json', 'intel_icd.x86_64.json', 'radeon_icd.x86_64.json', 'nvidia_layers.json']) expect(isSoftwareAdapter(hardware), hardware).toBe(false);
  });
});
