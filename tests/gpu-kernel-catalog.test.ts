// The kernel catalog (src/backends/webgpu/kernels/catalog.ts) is the one source of every
// kernel's bindings, workgroup size and the constants WGSL shares with TypeScript: no WGSL file
// declares them by hand, and every catalog kernel composes, reflects its bindings as the
// catalog declares them (each of them used by `main`) and compiles on the device.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG, kernelSpec, type CatalogName } from '../src/backends/webgpu/kernels/catalog.ts';
import { SHARED_DEFINES } from '../src/backends/webgpu/kernels/constants.ts';
import { createKernel } from '../src/backends/webgpu/runtime/pipelines.ts';
import { composeShader, normalizeSources, wgslDefines } from '../src/backends/webgpu/runtime/shaderModules.ts';
import { makeShaderDataDefinitions } from '../src/backends/webgpu/runtime/webgpuUtils.ts';
import { SHADERS, testDevice } from './helpers/gpuTest.ts';

const SHADER_DIR = new URL('../shaders/', import.meta.url);
const GENERATED = ['WORKGROUP_SIZE', 'TILE', 'DEPTH', ...Object.keys(SHARED_DEFINES)];

/** What a WGSL file must not write by hand, with why. */
const FORBIDDEN: [RegExp, string][] = [
  [/@binding\s*\(/, 'a hand-written @binding (list the buffer in the catalog entry)'],
  [/@workgroup_size\s*\(\s*\d/, 'a literal workgroup size (use WORKGROUP_SIZE or TILE)'],
  [/\boverride\b/, 'an override constant (the catalog generates the kernel constants)'],
  [/groups\.x\s*\*\s*\d+u?\b/, 'grid decoding with a literal width (use flatIndex or foldedRow, common.wgsl)'],
  [/\bwid\.x\s*\*\s*\d+u?\s*\+\s*lid\.x/, 'a global index with a literal workgroup width (use WORKGROUP_SIZE)'],
  [new RegExp(`\\b(const|override|let|var)\\s+(${GENERATED.join('|')})\\b`), 'a declaration of a generated constant (kernels/constants.ts)'],
];

/** `file:line: what` for every forbidden pattern in `text`. */
function violations(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trimStart().startsWith('//')) return;
    for (const [pattern, why] of FORBIDDEN) if (pattern.test(line)) out.push(`${file}:${i + 1}: ${why}: ${line.trim()}`);
  });
  return out;
}

const NAMES = Object.keys(CATALOG) as CatalogName[];
const TUNING = { tile: 4, depth: 64, rowThreads: 4 };

describe('kernel catalog', () => {
  it('no WGSL file declares a binding, a workgroup size, a grid width or a constant the catalog generates', () => {
    const found = readdirSync(SHADER_DIR)
      .filter((f) => f.endsWith('.wgsl'))
      .flatMap((f) => violations(f, readFileSync(new URL(f, SHADER_DIR), 'utf8')));
    expect(found).toEqual([]);
  });

  it('the check catches each kind of hand-written declaration', () => {
    expect(violations('x.wgsl', '@group(0) @binding(3) var<storage, read> logits: array<f32>;')).toHaveLength(1);
    expect(violations('x.wgsl', '@compute @workgroup_size(64)')).toHaveLength(1);
    expect(violations('x.wgsl', '  let e = id.y * groups.x * 64u + id.x;')).toHaveLength(1);
    expect(violations('x.wgsl', '  let c = wid.x * 64u + lid.x;')).toHaveLength(1);
    expect(violations('x.wgsl', 'const SIGNAL_DISARM: u32 = 3u;')).toHaveLength(1);
    expect(violations('x.wgsl', 'override TILE: u32 = 16u;')).toHaveLength(2);
    expect(violations('x.wgsl', '// a comment may say @workgroup_size(64)')).toEqual([]);
  });

  it('generated constants are the TypeScript values, and bad ones are refused', () => {
    const spec = kernelSpec('vae_pair_signal', TUNING);
    const code = composeShader(normalizeSources(SHADERS), spec.includes, spec.file ?? '', spec);
    expect(code).toContain('const SIGNAL_LEAVE_ONE_OUT: u32 = 2u;');
    expect(code).toContain('const STREAM_VAE_BASE: u32 = 128u;');
    expect(code).toContain('const MAX_CATEGORIES: u32 = 10u;');
    expect(code).toContain('const WORKGROUP_SIZE: u32 = 64u;');
    expect(() => wgslDefines({ X: -1 })).toThrow('not a u32');
    expect(() => wgslDefines({ X: 1.5 })).toThrow('not a u32');
    expect(() => wgslDefines({ 'a-b': 1 })).toThrow('not a WGSL identifier');
  });

  it('every kernel reflects its bindings as the catalog declares them, uses each, and compiles on the device', async () => {
    const device = await testDevice();
    const files = normalizeSources(SHADERS);
    const stepSizes = new Set<number>();
    const layerSizes = new Set<number>();
    const unused: string[] = [];
    for (const name of NAMES) {
      const spec = kernelSpec(name, TUNING);
      const defs = makeShaderDataDefinitions(composeShader(files, spec.includes, spec.file ?? `${name}.wgsl`, spec));
      const declared = spec.bindings ?? [];
      declared.forEach((b, i) => {
        const reflected = b.access === 'uniform' ? defs.uniforms[b.name] : defs.storages[b.name];
        expect(reflected?.binding, `${name}.${b.name}`).toBe(i);
      });
      if (defs.uniforms.step) stepSizes.add(defs.uniforms.step.size);
      if (defs.uniforms.layer) layerSizes.add(defs.uniforms.layer.size);
      device.pushErrorScope('validation');
      const kernel = createKernel(device, files, spec);
      const error = await device.popErrorScope();
      expect(error?.message ?? null, name).toBeNull();
      for (const b of declared) if (!kernel.bindings.has(b.name)) unused.push(`${name}.${b.name}`);
    }
    expect(unused, 'declared buffers main does not use').toEqual([]);
    // one StepParams (in a 256-byte slot) and one LayerParams for every kernel
    expect(stepSizes.size).toBe(1);
    expect([...stepSizes][0]).toBeLessThanOrEqual(256);
    expect(layerSizes.size).toBe(1);
  });
});
