// shaders/rng.wgsl computes bit-identical values to src/rng/counterRng.ts (docs/math.md §5).
import { describe, expect, it } from 'vitest';
import { hash32, pixelIsOn, randomBits, streamKey, uniform } from '../src/rng/counterRng.ts';
import { normalizeSources } from '../src/backends/webgpu/runtime/shaderModules.ts';
import { SHADERS, testDevice } from './helpers/gpuTest.ts';

const N = 4096;
const KERNEL = `
@group(0) @binding(0) var<storage, read> inputs: array<vec4u>;
@group(0) @binding(1) var<storage, read_write> outputs: array<vec4u>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= arrayLength(&inputs)) { return; }
  let v = inputs[i];
  let key = streamKey(v.x, v.y, v.z);
  var on = 0u;
  if (pixelIsOn(key, v.w, v.w % 256u)) { on = 1u; }
  outputs[2u * i] = vec4u(hash32(v.x), key, randomBits(key, v.w), bitcast<u32>(uniform01(key, v.w)));
  outputs[2u * i + 1u] = vec4u(on, 0u, 0u, 0u);
}`;

describe('counter-based RNG in WGSL', () => {
  it('matches the TypeScript RNG bit for bit (hash32, streamKey, randomBits, uniform, pixelIsOn)', async () => {
    const device = await testDevice();
    const code = `${normalizeSources(SHADERS).get('rng.wgsl')}\n${KERNEL}`;
    const pipeline = device.createComputePipeline({ label: 'rng test', layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    const inputs = new Uint32Array(4 * N);
    for (let i = 0; i < N; i++) {
      // edge values first, then hashed ones: seeds, steps, streams, indices over the u32 range
      const edge = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];
      inputs[4 * i] = i < edge.length ? edge[i] : hash32(i * 3 + 1);
      inputs[4 * i + 1] = i < edge.length ? edge[(i + 1) % 5] : hash32(i * 5 + 2) % 200000;
      inputs[4 * i + 2] = i % 160;
      inputs[4 * i + 3] = i < edge.length ? edge[(i + 2) % 5] : hash32(i * 7 + 3);
    }
    const make = (data: ArrayBufferView | number, usage: number) => {
      const size = typeof data === 'number' ? data : data.byteLength;
      const b = device.createBuffer({ size, usage: usage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
      if (typeof data !== 'number') device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
      return b;
    };
    const input = make(inputs, GPUBufferUsage.STORAGE);
    const output = make(new Uint32Array(8 * N).fill(0xdeadbeef), GPUBufferUsage.STORAGE);
    const staging = device.createBuffer({ size: 32 * N, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: input } }, { binding: 1, resource: { buffer: output } }] }));
    pass.dispatchWorkgroups(N / 64);
    pass.end();
    encoder.copyBufferToBuffer(output, 0, staging, 0, 32 * N);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    for (const b of [input, output, staging]) b.destroy();
    let mismatches = 0;
    let pixelsOn = 0;
    const f32 = new Float32Array(1);
    const asBits = new Uint32Array(f32.buffer);
    for (let i = 0; i < N; i++) {
      const [seed, step, stream, index] = inputs.subarray(4 * i, 4 * i + 4);
      const key = streamKey(seed, step, stream);
      f32[0] = uniform(key, index);
      const on = pixelIsOn(key, index, index % 256) ? 1 : 0;
      pixelsOn += on;
      const expected = [hash32(seed), key, randomBits(key, index), asBits[0], on];
      const got = [out[8 * i], out[8 * i + 1], out[8 * i + 2], out[8 * i + 3], out[8 * i + 4]];
      if (expected.some((v, k) => v !== got[k])) mismatches++;
    }
    expect(mismatches).toBe(0);
    // the comparison is not vacuous: pixelIsOn takes both values
    expect(pixelsOn).toBeGreaterThan(N / 4);
    expect(pixelsOn).toBeLessThan((3 * N) / 4);
  });
});
