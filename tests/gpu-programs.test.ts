// The WebGPU back end picks a program by task from its registry (programs.ts) and runs it on a
// runtime that knows no model: an unregistered task is refused before any device is touched;
// a registered program gets a runtime whose kernels, buffers and set-up errors it uses without
// model-specific runtime code; a failed set-up disposes the runtime.
import { afterEach, describe, expect, it } from 'vitest';
import { createWebGpuEngine } from '../src/backends/webgpu/index.ts';
import type { GpuProgram } from '../src/backends/webgpu/program.ts';
import { GPU_PROGRAMS } from '../src/backends/webgpu/programs.ts';
import type { GpuRuntime } from '../src/backends/webgpu/runtime/runtime.ts';
import { EngineError, PAPER_OPTIMIZER, type EngineFactoryInput, type VaeConfig } from '../src/engine/types.ts';
import { FakeEngine } from './helpers/fakeEngine.ts';
import { freshDevice, randomDataset } from './helpers/gpuTest.ts';

const vae: VaeConfig = { task: 'vae', layers: 2, width: 4, estimators: ['reinforce'], seeds: [1], batch: 4, testK: 2, ...PAPER_OPTIMIZER };
const input: EngineFactoryInput = { config: vae, data: randomDataset(4, 2, 8, 4) };

/** A one-kernel program: doubles a buffer on the GPU at creation (a stand-in for a new model). */
const DOUBLE = `
@group(0) @binding(0) var<storage, read_write> values: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&values)) { values[id.x] = 2.0 * values[id.x]; }
}`;

class DoublingEngine extends FakeEngine {
  constructor(
    readonly runtime: GpuRuntime,
    input: EngineFactoryInput,
    readonly values: GPUBuffer,
  ) {
    super(input);
  }
  override dispose(): void {
    super.dispose();
    this.runtime.dispose();
  }
}

function doublingProgram(file: string): GpuProgram<DoublingEngine> {
  return {
    task: 'vae',
    create(runtime, programInput) {
      runtime.beginSetup();
      try {
        const kernel = runtime.kernel({ name: 'double', file, includes: [] });
        const values = runtime.res.storage('values', Float32Array.from([1, 2, 3]));
        const encoder = runtime.device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        pass.setPipeline(kernel.pipeline);
        pass.setBindGroup(0, runtime.bind(kernel, 'double', { values }));
        pass.dispatchWorkgroups(1);
        pass.end();
        runtime.submit(encoder);
        runtime.endSetup(true);
        return new DoublingEngine(runtime, programInput, values);
      } catch (error) {
        runtime.endSetup(false);
        throw error;
      }
    },
  };
}

describe('GPU program registry', () => {
  // every task has a program now: the tests borrow the VAE's slot and give it back
  const registered = GPU_PROGRAMS.vae;
  afterEach(() => {
    GPU_PROGRAMS.vae = registered;
  });

  it('refuses a task without a program with EngineError("unavailable"), before acquiring a device', async () => {
    expect(registered?.task).toBe('vae');
    delete GPU_PROGRAMS.vae;
    // no gpu and no device given: reaching acquireDevice would fail differently
    const error = await createWebGpuEngine(input, { shaders: {}, gpu: undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe('unavailable');
    expect((error as EngineError).message).toBe('WebGPU engine for task vae is not available yet');
  });

  it('runs a registered program on a runtime: its kernel, its buffer, its submission', async () => {
    GPU_PROGRAMS.vae = doublingProgram('double.wgsl');
    const device = await freshDevice();
    const engine = (await createWebGpuEngine(input, { device, shaders: { 'double.wgsl': DOUBLE } })) as DoublingEngine;
    expect(engine).toBeInstanceOf(DoublingEngine);
    const doubled = new Float32Array(await engine.runtime.res.read(engine.values, 0, 12, 'values'));
    expect([...doubled]).toEqual([2, 4, 6]);
    engine.dispose();
    expect(() => engine.runtime.check()).toThrow(/used after dispose/);
    device.destroy();
  });

  it("a program's set-up error (a shader that does not compile) rejects the factory with EngineError and disposes the runtime", async () => {
    GPU_PROGRAMS.vae = doublingProgram('broken.wgsl');
    const device = await freshDevice();
    const broken = DOUBLE.replace('2.0 * values[id.x]', '2.0 * undefinedName');
    const error = await createWebGpuEngine(input, { device, shaders: { 'broken.wgsl': broken } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toMatch(/undefinedName/);
    // the given device is not the runtime's to destroy: it still works
    expect(device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE }).size).toBe(16);
    device.destroy();
  });
});
