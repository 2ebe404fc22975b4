// The whole training state of an engine (issue 15): what a checkpoint holds, so that a resumed
// run continues exactly as an uninterrupted one would. One documented, versioned format for
// every back end (CPU, threaded CPU, WebGPU). Pure: no Node, no DOM (base64 via btoa/atob).
//
// Format "hnca-engine-state", version 1, a JSON document:
//   { format, version, config (the EngineConfig), dataset { train, test, pixels, classes },
//     updatesDone, evaluations,
//     streams: [{ seed, epoch, cursor }]  (the minibatch stream of each seed: epoch and position),
//     runs: [{ index, estimator, seed, counters (RunCounters), baselines: number[],
//              optimizerSteps, tensors: [{ name, shape, value, m, v }] }] }
// Tensors are listed in the optimizer's order (bandit: W_0, b_0, …, the output last; VAE:
// encoder W_l, b_l, then decoder D_m, c_m, then the prior's logits c_L); weight matrices are
// input-major ([inputs, units]: element j·units + i is input j → unit i), as the engines keep
// them. `m` and `v` are Adam's moments (zeros under SGD). Arrays are { dtype: "f32" | "f64",
// base64 } of their little-endian bytes, so every bit (NaN payloads aside, -0, subnormals)
// survives; non-finite scalars are written as the strings "NaN", "Infinity", "-Infinity".
import { EngineError, varianceLayerCount, type EngineConfig, type RunCounters, type TrainingEngine } from './types.ts';

export const ENGINE_STATE_FORMAT = 'hnca-engine-state';
export const ENGINE_STATE_VERSION = 1;

export type StateArray = Float32Array | Float64Array;

/** One parameter tensor and its optimizer moments (each `size` = product of `shape` entries). */
export interface TensorState {
  /** e.g. "W0", "b0" (bandit), "encoder.W1", "prior.c" (VAE) */
  name: string;
  /** [inputs, units] for weights (input-major), [units] for biases */
  shape: number[];
  value: StateArray;
  /** Adam's first moment */
  m: StateArray;
  /** Adam's second moment */
  v: StateArray;
}

/** Everything one run carries between updates. */
export interface RunState {
  index: number;
  estimator: string;
  seed: number;
  /** cumulative counters (RunCounters), so per-epoch records continue seamlessly */
  counters: RunCounters;
  /** running-mean baselines (bandit: one scalar; VAE: one per layer and the top) */
  baselines: number[];
  /** optimizer steps taken (Adam's bias-correction counter t of the last step) */
  optimizerSteps: number;
  tensors: TensorState[];
}

/** The minibatch stream of one seed: its epoch and the position within that epoch's permutation. */
export interface StreamState {
  seed: number;
  epoch: number;
  cursor: number;
}

/** The whole training state of an engine (format version 1, see the file header). */
export interface EngineState {
  format: typeof ENGINE_STATE_FORMAT;
  version: number;
  config: EngineConfig;
  dataset: { train: number; test: number; pixels: number; classes: number };
  /** updates done (the RNG's step counter for the next update) */
  updatesDone: number;
  /** test-set evaluations done (the RNG key of the next evaluation's binarization) */
  evaluations: number;
  streams: StreamState[];
  runs: RunState[];
}

/** A checkpoint that cannot be read or does not fit: the message names the source and the cause. */
export class EngineStateError extends EngineError {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`, 'config');
    this.name = 'EngineStateError';
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function encodeArray(array: StateArray): { dtype: 'f32' | 'f64'; base64: string } {
  if (!littleEndian) throw new EngineError('engine state: big-endian hosts are not supported', 'unavailable');
  return { dtype: array instanceof Float64Array ? 'f64' : 'f32', base64: toBase64(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)) };
}

function decodeArray(value: unknown, where: string, source: string): StateArray {
  if (typeof value !== 'object' || value === null) throw new EngineStateError(source, `${where} is not an encoded array`);
  const { dtype, base64 } = value as { dtype?: unknown; base64?: unknown };
  if ((dtype !== 'f32' && dtype !== 'f64') || typeof base64 !== 'string') throw new EngineStateError(source, `${where}: expected { dtype: "f32" | "f64", base64 }`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(base64);
  } catch {
    throw new EngineStateError(source, `${where}: invalid base64`);
  }
  const width = dtype === 'f32' ? 4 : 8;
  if (bytes.length % width !== 0) throw new EngineStateError(source, `${where}: ${bytes.length} bytes is not a whole number of ${dtype} values`);
  const copy = new Uint8Array(bytes);
  return dtype === 'f32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
}

const scalarOut = (v: number): number | string => (Number.isFinite(v) ? v : String(v));

function scalarIn(value: unknown, where: string, source: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  throw new EngineStateError(source, `${where}: expected a number, got ${JSON.stringify(value)}`);
}

/** The state as a plain JSON value of format version 1 (embeddable in a larger document). */
export function engineStateToJson(state: EngineState): Record<string, unknown> {
  return {
    format: ENGINE_STATE_FORMAT,
    version: ENGINE_STATE_VERSION,
    config: state.config,
    dataset: state.dataset,
    updatesDone: state.updatesDone,
    evaluations: state.evaluations,
    streams: state.streams,
    runs: state.runs.map((run) => ({
      index: run.index,
      estimator: run.estimator,
      seed: run.seed,
      counters: {
        ...run.counters,
        scoreSum: scalarOut(run.counters.scoreSum),
        gradVarianceSum: scalarOut(run.counters.gradVarianceSum),
        layerGradVarianceSum: run.counters.layerGradVarianceSum.map(scalarOut),
      },
      baselines: run.baselines.map(scalarOut),
      optimizerSteps: run.optimizerSteps,
      tensors: run.tensors.map((t) => ({ name: t.name, shape: t.shape, value: encodeArray(t.value), m: encodeArray(t.m), v: encodeArray(t.v) })),
    })),
  };
}

/** The state as the JSON text of format version 1. */
export function encodeEngineState(state: EngineState): string {
  return `${JSON.stringify(engineStateToJson(state))}\n`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function integer(value: unknown, where: string, source: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new EngineStateError(source, `${where}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Parses and checks a checkpoint's text (format, version, every field's type and every tensor's
 * size against its shape). `source` names it in errors (a path, "uploaded file").
 * @throws EngineStateError with a one-line message naming the source and the first problem.
 */
export function decodeEngineState(text: string, source: string): EngineState {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new EngineStateError(source, `not a checkpoint (not JSON: ${(error as Error).message})`);
  }
  return engineStateFromJson(document, source);
}

/**
 * The same as decodeEngineState for an already parsed JSON value (a checkpoint embedded in a
 * larger document).
 * @throws EngineStateError naming the source and the first problem
 */
export function engineStateFromJson(document: unknown, source: string): EngineState {
  if (!isRecord(document) || document.format !== ENGINE_STATE_FORMAT) throw new EngineStateError(source, `not a checkpoint (no "format": "${ENGINE_STATE_FORMAT}")`);
  if (document.version !== ENGINE_STATE_VERSION) {
    throw new EngineStateError(source, `checkpoint format version ${JSON.stringify(document.version)}; this program reads version ${ENGINE_STATE_VERSION}`);
  }
  const config = document.config;
  if (!isRecord(config) || (config.task !== 'bandit' && config.task !== 'vae' && config.task !== 'conv-bandit')) throw new EngineStateError(source, 'config: missing or of an unknown task');
  const dataset = document.dataset;
  if (!isRecord(dataset)) throw new EngineStateError(source, 'dataset: missing');
  const streams = document.streams;
  const runs = document.runs;
  if (!Array.isArray(streams)) throw new EngineStateError(source, 'streams: expected an array');
  if (!Array.isArray(runs) || runs.length === 0) throw new EngineStateError(source, 'runs: expected a non-empty array');
  return {
    format: ENGINE_STATE_FORMAT,
    version: ENGINE_STATE_VERSION,
    config: config as unknown as EngineConfig,
    dataset: {
      train: integer(dataset.train, 'dataset.train', source, 1),
      test: integer(dataset.test, 'dataset.test', source, 1),
      pixels: integer(dataset.pixels, 'dataset.pixels', source, 1),
      classes: integer(dataset.classes, 'dataset.classes', source, 1),
    },
    updatesDone: integer(document.updatesDone, 'updatesDone', source),
    evaluations: integer(document.evaluations, 'evaluations', source),
    streams: streams.map((s: unknown, i) => {
      if (!isRecord(s)) throw new EngineStateError(source, `streams[${i}]: expected an object`);
      return { seed: integer(s.seed, `streams[${i}].seed`, source), epoch: integer(s.epoch, `streams[${i}].epoch`, source), cursor: integer(s.cursor, `streams[${i}].cursor`, source) };
    }),
    runs: runs.map((r: unknown, i) => {
      const where = `runs[${i}]`;
      if (!isRecord(r) || !isRecord(r.counters) || !Array.isArray(r.tensors) || !Array.isArray(r.baselines)) {
        throw new EngineStateError(source, `${where}: expected { index, estimator, seed, counters, baselines, optimizerSteps, tensors }`);
      }
      const c = r.counters;
      if (!Array.isArray(c.layerGradVarianceSum) || typeof c.finite !== 'boolean') throw new EngineStateError(source, `${where}.counters: incomplete`);
      const counters: RunCounters = {
        updates: integer(c.updates, `${where}.counters.updates`, source),
        examples: integer(c.examples, `${where}.counters.examples`, source),
        scoreSum: scalarIn(c.scoreSum, `${where}.counters.scoreSum`, source),
        gradVarianceSum: scalarIn(c.gradVarianceSum, `${where}.counters.gradVarianceSum`, source),
        layerGradVarianceSum: c.layerGradVarianceSum.map((v: unknown, l) => scalarIn(v, `${where}.counters.layerGradVarianceSum[${l}]`, source)),
        finite: c.finite,
      };
      if (c.varianceUpdates !== undefined) counters.varianceUpdates = integer(c.varianceUpdates, `${where}.counters.varianceUpdates`, source);
      if (typeof c.failure === 'string') counters.failure = c.failure;
      if (typeof r.estimator !== 'string') throw new EngineStateError(source, `${where}.estimator: expected a string`);
      return {
        index: integer(r.index, `${where}.index`, source),
        estimator: r.estimator,
        seed: integer(r.seed, `${where}.seed`, source),
        counters,
        baselines: r.baselines.map((v: unknown, b) => scalarIn(v, `${where}.baselines[${b}]`, source)),
        optimizerSteps: integer(r.optimizerSteps, `${where}.optimizerSteps`, source),
        tensors: r.tensors.map((t: unknown, k) => {
          const at = `${where}.tensors[${k}]`;
          if (!isRecord(t) || typeof t.name !== 'string' || !Array.isArray(t.shape)) throw new EngineStateError(source, `${at}: expected { name, shape, value, m, v }`);
          const shape = t.shape.map((d: unknown, j) => integer(d, `${at}.shape[${j}]`, source, 1));
          const size = shape.reduce((a, b) => a * b, 1);
          const arrays = (['value', 'm', 'v'] as const).map((key) => {
            const array = decodeArray(t[key], `${at} (${t.name}).${key}`, source);
            if (array.length !== size) throw new EngineStateError(source, `${at} (${t.name}).${key}: ${array.length} values, but shape [${shape.join(', ')}] needs ${size}`);
            return array;
          });
          return { name: t.name, shape, value: arrays[0], m: arrays[1], v: arrays[2] };
        }),
      };
    }),
  };
}

/**
 * Checks that a checkpoint fits the engine about to import it: the same model (task, depth,
 * width, hidden values, hidden unit kind and N, batch-independent shapes), the same runs (estimator and seed per index)
 * and the same data sizes. Learning rate and batch size may differ: they are hyper-parameters a
 * run may change (the playground changes them mid-run); the caller applies the saved ones.
 * @throws EngineStateError naming the first difference.
 */
export function checkStateFits(
  state: EngineState,
  config: EngineConfig,
  dataset: EngineState['dataset'],
  runs: readonly { index: number; estimator: string; seed: number }[],
  source: string,
): void {
  const a = state.config as unknown as Record<string, unknown>;
  const b = config as unknown as Record<string, unknown>;
  const shapeKeys = ['task', 'hidden', 'layers', 'convLayers', 'channels', 'width', 'hiddenValues', 'optimizer', 'beta1', 'beta2', 'eps'];
  for (const key of shapeKeys) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      throw new EngineStateError(source, `was saved with ${key} ${JSON.stringify(a[key])}, this run has ${JSON.stringify(b[key])}`);
    }
  }
  // the saved learning rate and batch size are applied on import: check them before anything changes
  if (typeof a.lr !== 'number' || !Number.isFinite(a.lr) || a.lr <= 0) throw new EngineStateError(source, `config.lr: expected a finite number > 0, got ${JSON.stringify(a.lr)}`);
  if (typeof a.batch !== 'number' || !Number.isInteger(a.batch) || a.batch < 1) throw new EngineStateError(source, `config.batch: expected an integer ≥ 1, got ${JSON.stringify(a.batch)}`);
  // the hidden unit kind (docs/math.md §7.1): absent in configs saved before it existed = 'bernoulli'
  const unitsOf = (c: Record<string, unknown>): string => (c.task === 'bandit' ? `${String(c.units ?? 'bernoulli')}${c.units === 'categorical' ? ` N=${String(c.categories)}` : ''}` : '');
  if (unitsOf(a) !== unitsOf(b)) throw new EngineStateError(source, `was saved with units ${unitsOf(a)}, this run has ${unitsOf(b)}`);
  for (const key of ['train', 'test', 'pixels', 'classes'] as const) {
    if (state.dataset[key] !== dataset[key]) throw new EngineStateError(source, `was saved with ${state.dataset[key]} ${key === 'pixels' || key === 'classes' ? key : `${key} images`}, this run has ${dataset[key]}`);
  }
  for (const run of runs) {
    const saved = state.runs.find((r) => r.index === run.index);
    if (!saved) throw new EngineStateError(source, `holds no run ${run.index} (${run.estimator}, seed ${run.seed})`);
    if (saved.estimator !== run.estimator || saved.seed !== run.seed) {
      throw new EngineStateError(source, `run ${run.index} was ${saved.estimator} seed ${saved.seed}, this run has ${run.estimator} seed ${run.seed}`);
    }
    const layers = varianceLayerCount(config);
    if (saved.counters.layerGradVarianceSum.length !== layers) {
      throw new EngineStateError(source, `run ${run.index}: counters.layerGradVarianceSum has ${saved.counters.layerGradVarianceSum.length} layers, this model has ${layers}`);
    }
  }
}

/** An engine whose whole training state can be exported and imported (checkpoints, resume). */
export interface CheckpointableEngine extends TrainingEngine {
  /** A copy of the whole training state (format version 1). */
  exportState(): Promise<EngineState>;
  /**
   * Restores a state exported by an engine of the same model, runs and data (any back end);
   * the saved learning rate and batch size apply.
   * @throws EngineStateError naming `source` and the first thing that does not fit
   */
  importState(state: EngineState, source: string): Promise<void>;
}

/** Whether `engine` can export and import its state. */
export function isCheckpointable(engine: TrainingEngine): engine is CheckpointableEngine {
  const candidate = engine as Partial<CheckpointableEngine>;
  return typeof candidate.exportState === 'function' && typeof candidate.importState === 'function';
}

/** Overwrites `target` (an engine's live counters of one run) with saved counters, in place. */
export function restoreCounters(target: RunCounters, saved: RunCounters): void {
  target.updates = saved.updates;
  target.examples = saved.examples;
  target.scoreSum = saved.scoreSum;
  target.gradVarianceSum = saved.gradVarianceSum;
  target.layerGradVarianceSum = [...saved.layerGradVarianceSum];
  target.finite = saved.finite;
  if (saved.varianceUpdates !== undefined) target.varianceUpdates = saved.varianceUpdates;
  else delete target.varianceUpdates;
  if (saved.failure !== undefined) target.failure = saved.failure;
  else delete target.failure;
}
