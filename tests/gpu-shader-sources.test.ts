// The two ways shader sources reach the engine carry the same files: Vite's import.meta.glob
// (browser, worker, Vitest) and fs (Node CLI), and every kernel composes from them.
import { beforeAll, describe, expect, it } from 'vitest';
import { shaderSources } from '../src/backends/webgpu/shaderSources.browser.ts';
import { CATEGORICAL_KERNEL_NAMES, INCLUDES, KERNEL_NAMES } from '../src/backends/webgpu/bandit/kernels.ts';
import { composeShader, normalizeSources } from '../src/backends/webgpu/runtime/shaderModules.ts';
import { makeShaderDataDefinitions } from '../src/backends/webgpu/runtime/webgpuUtils.ts';
import { loadShaderSources } from '../src/node/shaderSources.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';

describe('shader sources', () => {
  // webgpu-utils reads the WebGPU globals (GPUShaderStage): Dawn installs them in Node
  beforeAll(async () => {
    await nodeGpu();
  });

  it('import.meta.glob and fs give the same WGSL files', () => {
    const fromFs = loadShaderSources();
    expect(Object.keys(shaderSources).sort()).toEqual(Object.keys(fromFs).sort());
    for (const [name, text] of Object.entries(fromFs)) expect(shaderSources[name]).toBe(text);
  });

  it('every kernel composes, declares a step and a layer uniform, and reflects to the same StepParams layout', () => {
    const files = normalizeSources(shaderSources);
    let stepSize = -1;
    for (const name of [...KERNEL_NAMES, ...CATEGORICAL_KERNEL_NAMES]) {
      const defs = makeShaderDataDefinitions(composeShader(files, INCLUDES[name], `${name}.wgsl`));
      expect(defs.uniforms.step, name).toBeDefined();
      expect(defs.uniforms.layer, name).toBeDefined();
      if (stepSize < 0) stepSize = defs.uniforms.step.size;
      expect(defs.uniforms.step.size).toBe(stepSize);
    }
    expect(stepSize).toBeLessThanOrEqual(256);
  });
});
