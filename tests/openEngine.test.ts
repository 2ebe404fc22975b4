import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_MODULES, isSoftwareAdapter, openEngine } from '../src/cli/openEngine.ts';
import type { Dataset } from '../src/data/dataset.ts';
import { EngineError, PAPER_OPTIMIZER, type BanditConfig, type EngineFactoryInput } from '../src/engine/types.ts';
import { nodeGpu, WEBGPU_MISSING_MESSAGE } from '../src/node/webgpuNode.ts';
import { created } from './fixtures/fakeGpuModule.ts';

const original = { ...ENGINE_MODULES };
afterEach(() => {
  Object.assign(ENGINE_MODULES, original);
  created.length = 0;
});

const data: Dataset = {
  rows: 2,
  cols: 2,
  pixels: 4,
  classes: 10,
  train: { count: 20, images: new Uint8Array(80).fill(128), labels: new Uint8Array(20) },
  test: { count: 5, images: new Uint8Array(20).fill(128), labels: new Uint8Array(5) },
};
const config: BanditConfig = { task: 'bandit', hidden: 1, width: 3, hiddenValues: 'pm1', estimators: ['hnca', 'reinforce'], seeds: [0], batch: 5, ...PAPER_OPTIMIZER };
const input: EngineFactoryInput = { config, data };
const FAKE = { name: 'tests/fixtures/fakeGpuModule.ts', load: () => import('./fixtures/fakeGpuModule.ts') };
const missing = (name: string) => ({ name, load: () => Promise.reject(new Error(`Cannot find module '${name}'`)) });

function useFakeGpu(adapter: string): void {
  (globalThis as { __fakeAdapter?: string }).__fakeAdapter = adapter;
  Object.assign(ENGINE_MODULES, { webgpu: FAKE, webgpuNode: FAKE, shaderSources: FAKE });
}

describe('openEngine', () => {
  it('cpu with one thread: the in-process CPU engine', async () => {
    const { engine, why } = await openEngine('cpu', input, 1);
    expect(engine.info.backend).toBe('cpu');
    expect(engine.runs).toHaveLength(2);
    expect(why).toBe('CPU engine, one thread (--threads 1)');
    engine.dispose();
  });

  it('cpu with threads falls back to one thread when the threaded module is missing', async () => {
    ENGINE_MODULES.threaded = missing('src/node/noSuchThreadedEngine.ts');
    const { engine, why } = await openEngine('cpu', input, 4);
    expect(why).toBe(
      "CPU engine, one thread (worker threads unavailable: src/node/noSuchThreadedEngine.ts could not be loaded (Cannot find module 'src/node/noSuchThreadedEngine.ts'))",
    );
    engine.dispose();
  });

  it('webgpu without its module is an "unavailable" EngineError; auto then takes the CPU and says why', async () => {
    ENGINE_MODULES.webgpu = missing('src/backends/webgpu/noSuchModule.ts');
    await expect(openEngine('webgpu', input, 1)).rejects.toThrow(EngineError);
    await expect(openEngine('webgpu', input, 1)).rejects.toThrow(/^WebGPU engine not available \(src\/backends\/webgpu\/noSuchModule\.ts could not be loaded/);
    const { engine, why } = await openEngine('auto', input, 1);
    expect(engine.info.backend).toBe('cpu');
    expect(why).toMatch(/^CPU engine, one thread \(--threads 1\); auto chose the CPU because WebGPU engine not available \(src\/backends\/webgpu\/noSuchModule\.ts could not be loaded/);
    engine.dispose();
  });

  it('auto takes a hardware adapter, but not a software one (disposing it)', async () => {
    useFakeGpu('nvidia hopper (NVIDIA H100)');
    const hw = await openEngine('auto', input, 1);
    expect(hw.engine.info.backend).toBe('webgpu');
    expect(hw.why).toBe('WebGPU engine: nvidia hopper (NVIDIA H100) (auto: a hardware WebGPU adapter is available)');
    useFakeGpu('google swiftshader (SwiftShader driver 5.0.0)');
    const sw = await openEngine('auto', input, 1);
    expect(sw.engine.info.backend).toBe('cpu');
    expect(sw.why).toMatch(/auto chose the CPU because the only WebGPU adapter is a software one \(google swiftshader/);
    expect(created[1].disposed).toBe(true);
    const forced = await openEngine('webgpu', input, 1);
    expect(forced.engine.info.backend).toBe('webgpu');
    expect(forced.why).toMatch(/\(--engine webgpu\)$/);
  });

  it('recognises software adapters', () => {
    expect(isSoftwareAdapter('google swiftshader swiftshader-device-subzero-')).toBe(true);
    expect(isSoftwareAdapter('mesa llvmpipe')).toBe(true);
    expect(isSoftwareAdapter('nvidia ampere (NVIDIA A100)')).toBe(false);
  });
});

describe('nodeGpu (Dawn in Node)', () => {
  const notInstalled = Object.assign(new Error("Cannot find package 'webgpu' imported from /x/src/node/webgpuNode.ts"), { code: 'ERR_MODULE_NOT_FOUND' });

  it('without the optional webgpu package: an "unavailable" EngineError of one line naming the package and --engine cpu', async () => {
    const refused = nodeGpu(() => Promise.reject(notInstalled));
    await expect(refused).rejects.toThrow(EngineError);
    await expect(nodeGpu(() => Promise.reject(notInstalled))).rejects.toMatchObject({ kind: 'unavailable', message: WEBGPU_MISSING_MESSAGE });
    expect(WEBGPU_MISSING_MESSAGE).not.toContain('\n');
    expect(WEBGPU_MISSING_MESSAGE).toMatch(/webgpu.*not installed.*--engine cpu/);
  });

  it('an installed package that fails to load is named with the first line of its error, not as missing', async () => {
    const broken = Object.assign(new Error('libvulkan.so.1: cannot open shared object file\n    at dlopen'), { code: 'ERR_DLOPEN_FAILED' });
    await expect(nodeGpu(() => Promise.reject(broken))).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'no WebGPU adapter: the webgpu package could not be loaded (libvulkan.so.1: cannot open shared object file)',
    });
    // a missing package inside it (not webgpu itself) is a broken install too
    const inner = Object.assign(new Error("Cannot find package 'dawn-helper' imported from /x/node_modules/webgpu/index.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(nodeGpu(() => Promise.reject(inner))).rejects.toThrow(/^no WebGPU adapter: the webgpu package could not be loaded \(Cannot find package 'dawn-helper'/);
  });
});
