// The WebGPU programs' side of the engine state (src/engine/state.ts, hnca-engine-state v1): a
// run's tensors cut from the parameter and Adam-moment buffers read back ([runs, paramsPerRun]
// float32, tensors in layout order), the same tensors packed back for an import, and the
// minibatch positions checked against the data. Shared by every program (bandit, VAE).
import { EngineStateError, type EngineState, type RunState } from '../state.ts';
import type { RunSpec } from '../types.ts';

/** One tensor of a run, in the order the program stores them: its name and shape (e.g. W0 [784, 200]). */
export interface TensorSlot {
  name: string;
  shape: number[];
}

/** Parameters and Adam moments of every run, as read back: each [runs, paramsPerRun] float32. */
export interface ParameterBuffers {
  params: ArrayBuffer;
  m: ArrayBuffer;
  v: ArrayBuffer;
}

/** Elements of a tensor of `shape`. */
function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Run `r`'s tensors (copies) cut from read-back buffers.
 * @param per parameters per run (the sum of the layout's sizes, padding included if any)
 */
export function runTensorsFromBuffers(buffers: ParameterBuffers, layout: readonly TensorSlot[], r: number, per: number): RunState['tensors'] {
  const slice = (buffer: ArrayBuffer, at: number, size: number): Float32Array => new Float32Array(buffer, (r * per + at) * 4, size).slice();
  let at = 0;
  return layout.map((t) => {
    const size = sizeOf(t.shape);
    const tensor = { name: t.name, shape: [...t.shape], value: slice(buffers.params, at, size), m: slice(buffers.m, at, size), v: slice(buffers.v, at, size) };
    at += size;
    return tensor;
  });
}

/**
 * The saved runs of `state` in `runs` order and their tensors packed as the program stores them
 * ([runs, per] float32 each), after checking every tensor's name and shape against `layout`.
 * Call after checkStateFits (which guarantees every run is present).
 * @throws EngineStateError naming `source` and the first tensor that does not fit
 */
export function packRunTensors(state: EngineState, runs: readonly RunSpec[], layout: readonly TensorSlot[], per: number, source: string): { saved: RunState[]; params: Float32Array; m: Float32Array; v: Float32Array } {
  const params = new Float32Array(runs.length * per);
  const m = new Float32Array(runs.length * per);
  const v = new Float32Array(runs.length * per);
  const saved = runs.map((spec) => state.runs.find((x) => x.index === spec.index) as RunState);
  saved.forEach((run, r) => {
    if (run.tensors.length !== layout.length) throw new EngineStateError(source, `run ${run.index} holds ${run.tensors.length} tensors, this model has ${layout.length}`);
    let at = r * per;
    run.tensors.forEach((t, k) => {
      if (t.name !== layout[k].name || t.shape.join('×') !== layout[k].shape.join('×')) {
        throw new EngineStateError(source, `run ${run.index} tensor ${k} is ${t.name} [${t.shape.join(', ')}], this model has ${layout[k].name} [${layout[k].shape.join(', ')}]`);
      }
      params.set(t.value, at);
      m.set(t.m, at);
      v.set(t.v, at);
      at += t.value.length;
    });
  });
  return { saved, params, m, v };
}

/**
 * The saved minibatch position of each of `streams`' seeds.
 * @throws EngineStateError naming `source` for a seed without a position or a position beyond `trainCount` images
 */
export function savedStreamPositions(state: EngineState, streams: readonly { seed: number }[], trainCount: number, source: string): EngineState['streams'] {
  return streams.map((stream) => {
    const position = state.streams.find((x) => x.seed === stream.seed);
    if (!position) throw new EngineStateError(source, `holds no minibatch position for seed ${stream.seed}`);
    if (position.cursor > trainCount) throw new EngineStateError(source, `seed ${stream.seed}'s position ${position.cursor} is beyond the ${trainCount} training images`);
    return position;
  });
}
