// Runs a WGSL expression of up to four f32 arguments (a, b, c, d) on many inputs in a tiny
// compute shader, after the named snippet files of shaders/: how the tests tie each WGSL
// function to its TypeScript twin.
import { SHARED_DEFINES } from '../../src/backends/webgpu/kernels/constants.ts';
import { normalizeSources, wgslDefines } from '../../src/backends/webgpu/runtime/shaderModules.ts';
import { SHADERS, testDevice } from './gpuTest.ts';

/**
 * `expression` sees `a`, `b`, `c`, `d` (f32); args[k][i] is argument k of evaluation i (missing
 * arguments are 0). Returns the f32 results, one per evaluation.
 */
export async function evaluateWgsl(files: readonly string[], expression: string, args: readonly ArrayLike<number>[]): Promise<Float32Array> {
  const device = await testDevice();
  const sources = normalizeSources(SHADERS);
  const n = args[0].length;
  const code = `${wgslDefines(SHARED_DEFINES)}
${files.map((f) => sources.get(f) ?? '').join('\n')}
@group(0) @binding(0) var<storage, read> inputs: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> outputs: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= arrayLength(&outputs)) { return; }
  let a = inputs[i].x;
  let b = inputs[i].y;
  let c = inputs[i].z;
  let d = inputs[i].w;
  outputs[i] = ${expression};
}`;
  for (const f of files) if (!sources.has(f)) throw new Error(`no shader ${f}`);
  device.pushErrorScope('validation');
  const pipeline = device.createComputePipeline({ label: expression, layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const inputs = new Float32Array(4 * n);
  args.forEach((column, k) => {
    for (let i = 0; i < n; i++) inputs[4 * i + k] = column[i];
  });
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const inBuffer = device.createBuffer({ size: inputs.byteLength, usage });
  device.queue.writeBuffer(inBuffer, 0, inputs);
  const outBuffer = device.createBuffer({ size: 4 * n, usage });
  const staging = device.createBuffer({ size: 4 * n, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: inBuffer } },
      { binding: 1, resource: { buffer: outBuffer } },
    ],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  encoder.copyBufferToBuffer(outBuffer, 0, staging, 0, 4 * n);
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  if (error) throw new Error(`${expression}: ${error.message}`);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  for (const b of [inBuffer, outBuffer, staging]) b.destroy();
  return out;
}

/**
 * Runs a WGSL statement block once per row: `body` reads `arg(k)` (f32 input k of the row,
 * k < inputsPerRow) and calls `put(k, value)` (output k, k < outputsPerRow), after the named
 * snippet files. For functions of arrays (a categorical unit's N logits). `inputs` [rows, inputsPerRow].
 * Returns the outputs [rows, outputsPerRow].
 */
export async function evaluateWgslRows(files: readonly string[], body: string, inputs: Float32Array, inputsPerRow: number, outputsPerRow: number): Promise<Float32Array> {
  const device = await testDevice();
  const sources = normalizeSources(SHADERS);
  for (const f of files) if (!sources.has(f)) throw new Error(`no shader ${f}`);
  const rows = inputs.length / inputsPerRow;
  const code = `${wgslDefines(SHARED_DEFINES)}
${files.map((f) => sources.get(f) ?? '').join('\n')}
@group(0) @binding(0) var<storage, read> rowInputs: array<f32>;
@group(0) @binding(1) var<storage, read_write> rowOutputs: array<f32>;
var<private> row: u32;
fn arg(k: u32) -> f32 { return rowInputs[row * ${inputsPerRow}u + k]; }
fn put(k: u32, value: f32) { rowOutputs[row * ${outputsPerRow}u + k] = value; }
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  row = id.x;
  if (row >= ${rows}u) { return; }
  ${body}
}`;
  device.pushErrorScope('validation');
  const pipeline = device.createComputePipeline({ label: 'rows', layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const inBuffer = device.createBuffer({ size: inputs.byteLength, usage });
  device.queue.writeBuffer(inBuffer, 0, inputs);
  const bytes = 4 * rows * outputsPerRow;
  const outBuffer = device.createBuffer({ size: bytes, usage });
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: inBuffer } },
      { binding: 1, resource: { buffer: outBuffer } },
    ],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(rows / 64));
  pass.end();
  encoder.copyBufferToBuffer(outBuffer, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  if (error) throw new Error(`rows: ${error.message}`);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  for (const b of [inBuffer, outBuffer, staging]) b.destroy();
  return out;
}
