// The two ways shader sources reach the engine carry the same files: Vite's import.meta.glob
// (browser, worker, Vitest) and fs (Node CLI). tests/gpu-kernel-catalog.test.ts composes and
// compiles every kernel from them.
import { describe, expect, it } from 'vitest';
import { shaderSources } from '../src/backends/webgpu/shaderSources.browser.ts';
import { loadShaderSources } from '../src/node/shaderSources.ts';

describe('shader sources', () => {
  it('import.meta.glob and fs give the same WGSL files', () => {
    const fromFs = loadShaderSources();
    expect(Object.keys(shaderSources).sort()).toEqual(Object.keys(fromFs).sort());
    for (const [name, text] of Object.entries(fromFs)) expect(shaderSources[name]).toBe(text);
  });
});
