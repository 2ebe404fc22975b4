// The WebGPU programs' side of the engine state (src/engine/state.ts, hnca-engine-state v1): a
// run's tensors cut from the parameter and Adam-moment buffers read back ([runs, paramsPerRun]
// float32, tensors in layout order), the same tensors packed back for an import, the minibatch
// positions checked against the data, and the pieces every program's export and import share
// (the state's header, a run's failure flags, the parameter buffers and the streams written
// back). Shared by every program (bandit, conv bandit, VAE).
import type { Dataset } from '../../data/dataset.ts';
import type { MinibatchStream } from '../../data/minibatch.ts';
import { ENGINE_STATE_FORMAT, ENGINE_STATE_VERSION, EngineStateError, type EngineState, type RunState } from '../../engine/state.ts';
import type { EngineConfig, RunCounters, RunSpec } from '../../engine/types.ts';
import type { GpuResources } from './runtime/resources.ts';

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
/** Floats in a tensor of `shape`. */
export function sizeOf(shape: readonly number[]): number {
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

/** The GPU buffers a program's training state lives in (the program's StaticBuffers hold them). */
export interface TrainingStateBuffers {
  /** parameters, [runs, paramsPerRun] float32 */
  params: GPUBuffer;
  /** Adam's first moments, [runs, paramsPerRun] float32 */
  moment1: GPUBuffer;
  /** Adam's second moments, [runs, paramsPerRun] float32 */
  moment2: GPUBuffer;
  /** the epoch permutation of each seed's stream, [groups, train images] u32 */
  permutation: GPUBuffer;
}

/** The sizes of `data` a state is checked against (checkStateFits). */
export function datasetSizes(data: Dataset): EngineState['dataset'] {
  return { train: data.train.count, test: data.test.count, pixels: data.pixels, classes: data.classes };
}

/**
 * Parameters and Adam moments of every run read back, each `bytes` long ([runs, paramsPerRun]
 * float32). The three copies are submitted in that order when called.
 */
export async function readParameterBuffers(res: GpuResources, buffers: TrainingStateBuffers, bytes: number): Promise<ParameterBuffers> {
  const [params, m, v] = await Promise.all([
    res.read(buffers.params, 0, bytes, 'parameters (state export)'),
    res.read(buffers.moment1, 0, bytes, 'Adam first moments (state export)'),
    res.read(buffers.moment2, 0, bytes, 'Adam second moments (state export)'),
  ]);
  return { params, m, v };
}

/** Everything of an engine's state but its runs: format, a copy of the configuration (deep: the state shares nothing with the engine), data sizes, progress and stream positions. */
export function stateHeader(config: EngineConfig, data: Dataset, updatesDone: number, evaluations: number, streams: readonly MinibatchStream[]): Omit<EngineState, 'runs'> {
  return {
    format: ENGINE_STATE_FORMAT,
    version: ENGINE_STATE_VERSION,
    config: structuredClone(config),
    dataset: datasetSizes(data),
    updatesDone,
    evaluations,
    streams: streams.map((s) => ({ seed: s.seed, epoch: s.epoch, cursor: s.cursor })),
  };
}

/**
 * A run's RunState `finite` and `failedUpdate` (u32) from its saved counters: not finite from
 * the update its failure names (`… at update N`), 0 when it names none.
 */
export function restoreFailureFlags(view: Record<string, Uint32Array | Float32Array>, counters: RunCounters): void {
  view.finite[0] = counters.finite ? 1 : 0;
  const failedAt = /at update (\d+)/.exec(counters.failure ?? '');
  view.failedUpdate[0] = failedAt ? Number(failedAt[1]) : 0;
}

/**
 * Writes an import's parameters and Adam moments (packRunTensors) to the GPU, puts each stream
 * at its saved position (savedStreamPositions, in `streams` order) and uploads its epoch's
 * permutation.
 */
export function writeTrainingState(
  res: GpuResources,
  buffers: TrainingStateBuffers,
  packed: { params: Float32Array; m: Float32Array; v: Float32Array },
  streams: readonly MinibatchStream[],
  positions: EngineState['streams'],
  trainCount: number,
): void {
  res.write(buffers.params, packed.params);
  res.write(buffers.moment1, packed.m);
  res.write(buffers.moment2, packed.v);
  streams.forEach((stream, g) => {
    stream.restore(positions[g].epoch, positions[g].cursor);
    res.write(buffers.permutation, stream.permutation, g * trainCount * 4);
  });
}
