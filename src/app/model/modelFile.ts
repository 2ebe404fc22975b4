// The playground's model file (issue 15: "Save model" / "Load model"): a small header with the
// configuration and what the charts need to continue (the metric points and stopped runs so
// far), and the worker's training state (the engine state in the "hnca-engine-state" format
// of src/engine/state.ts, and the session's progress). JSON; non-finite numbers (stopped runs'
// NaN values) are written as the strings "NaN", "Infinity", "-Infinity". Checked here: the
// file kind, its version, the configuration, and every field of the points and stopped runs
// (their schema, src/engine/fileSchemas.ts); the worker checks the training state.
import { modelPointsSchema, parseOrRefuse } from '../../engine/fileSchemas.ts';
import { BANDIT_ESTIMATORS, ENGINE_CHOICES, UNIT_KINDS } from '../../engine/types.ts';
import { CONTROL_NAMES, PLAYGROUND_VAE_ESTIMATORS, RANGES, TASKS, defaultConfig, type PlaygroundConfig } from '../../playground/config.ts';
import type { MetricPoint, RunFailure, TrainingStatus } from '../../worker/protocol.ts';
import type { SavedTraining } from '../../worker/savedTraining.ts';

export const MODEL_FILE_KIND = 'hnca-playground-model';
export const MODEL_FILE_VERSION = 1;

/** What a model file holds. */
export interface ModelFile {
  config: PlaygroundConfig;
  /** the metric points and stopped runs up to the saved state */
  points: MetricPoint[];
  failures: RunFailure[];
  /** the update the training state is at */
  update: number;
  /** the engine state and session progress, checked by the worker (src/worker/savedTraining.ts) */
  training: unknown;
}

/** A model file that cannot be loaded: a one-line message naming the file and the cause. */
export class ModelFileError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'ModelFileError';
  }
}

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);
/** keys whose string values are text, never a number written as a string */
const TEXT_KEYS = new Set(['failure', 'message', 'name', 'estimator', 'description']);

/** The file's JSON text. */
export function encodeModelFile(file: { config: PlaygroundConfig; points: readonly MetricPoint[]; failures: readonly RunFailure[]; saved: SavedTraining; status: TrainingStatus }): string {
  const document = {
    kind: MODEL_FILE_KIND,
    version: MODEL_FILE_VERSION,
    savedAt: new Date().toISOString(),
    update: file.status.updates,
    epoch: file.status.epoch,
    config: file.config,
    points: file.points,
    failures: file.failures,
    training: file.saved,
  };
  return `${JSON.stringify(document, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value))}\n`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function oneOf<T extends string>(value: unknown, choices: readonly T[]): value is T {
  return typeof value === 'string' && (choices as readonly string[]).includes(value);
}

/** Fields added with the VAE task: a file without them (an older one) gets the defaults. */
const NEWER_FIELDS = new Set<string>(['layers', 'testK', 'categories']);

function checkConfig(value: unknown, source: string): PlaygroundConfig {
  if (!isRecord(value) || !oneOf(value.task, TASKS)) throw new ModelFileError(source, `config: missing or of an unknown task (expected one of ${TASKS.join(', ')})`);
  const config: PlaygroundConfig = defaultConfig(value.task);
  for (const key of Object.keys(RANGES) as (keyof typeof RANGES)[]) {
    const v = value[key];
    const range = RANGES[key];
    if (v === undefined && NEWER_FIELDS.has(key)) continue; // a file from before the VAE task: the default
    if (typeof v !== 'number' || !(v >= range.min && v <= range.max) || (range.integer && !Number.isInteger(v))) {
      throw new ModelFileError(source, `config.${key}: expected ${range.integer ? 'an integer' : 'a number'} in [${range.min}, ${range.max}], got ${JSON.stringify(v)}`);
    }
    config[key] = v;
  }
  if (!oneOf(value.optimizer, ['adam', 'sgd'] as const)) throw new ModelFileError(source, `config.optimizer: expected adam or sgd, got ${JSON.stringify(value.optimizer)}`);
  if (!oneOf(value.hiddenValues, ['pm1', '01'] as const)) throw new ModelFileError(source, `config.hiddenValues: expected pm1 or 01, got ${JSON.stringify(value.hiddenValues)}`);
  if (!oneOf(value.engine, ENGINE_CHOICES)) throw new ModelFileError(source, `config.engine: expected one of ${ENGINE_CHOICES.join(', ')}`);
  const estimators = value.estimators;
  if (!Array.isArray(estimators) || estimators.length === 0 || !estimators.every((e) => oneOf(e, BANDIT_ESTIMATORS))) {
    throw new ModelFileError(source, `config.estimators: expected a list of ${BANDIT_ESTIMATORS.join(', ')}`);
  }
  const vaeEstimators = value.vaeEstimators ?? config.vaeEstimators;
  if (!Array.isArray(vaeEstimators) || vaeEstimators.length === 0 || !vaeEstimators.every((e) => oneOf(e, PLAYGROUND_VAE_ESTIMATORS))) {
    throw new ModelFileError(source, `config.vaeEstimators: expected a list of ${PLAYGROUND_VAE_ESTIMATORS.join(', ')}`);
  }
  const units = value.units ?? 'bernoulli';
  if (!oneOf(units, UNIT_KINDS)) throw new ModelFileError(source, `config.units: expected one of ${UNIT_KINDS.join(', ')}, got ${JSON.stringify(value.units)}`);
  const hide = value.hide;
  if (!Array.isArray(hide) || !hide.every((c) => oneOf(c, CONTROL_NAMES))) throw new ModelFileError(source, 'config.hide: expected a list of control names');
  return { ...config, optimizer: value.optimizer, hiddenValues: value.hiddenValues, units, engine: value.engine, estimators, vaeEstimators, hide };
}

/**
 * The metric points and stopped runs of a model file, every field checked against its schema
 * (src/engine/fileSchemas.ts); every point has one entry per run of the training state.
 * @throws ModelFileError naming `source` and the first field that does not fit
 */
function checkPoints(document: Record<string, unknown>, source: string): { points: MetricPoint[]; failures: RunFailure[] } {
  const parsed: { points: MetricPoint[]; failures: RunFailure[] } = parseOrRefuse(modelPointsSchema, { points: document.points, failures: document.failures }, source, '', (where, problem) => new ModelFileError(where, problem));
  const engine = isRecord(document.training) ? document.training.engine : undefined;
  const runs = isRecord(engine) && Array.isArray(engine.runs) ? engine.runs.length : undefined;
  parsed.points.forEach((point, i) => {
    const want = runs ?? parsed.points[0].runs.length;
    if (point.runs.length !== want) throw new ModelFileError(source, `points[${i}].runs: expected one entry per run (${want}), got ${point.runs.length}`);
  });
  const stray = parsed.failures.findIndex((f) => runs !== undefined && f.run >= runs);
  if (stray >= 0) throw new ModelFileError(source, `failures[${stray}].run: run ${parsed.failures[stray].run} does not exist (${runs} runs)`);
  return parsed;
}

/**
 * Reads a model file's text: its kind, version, configuration, points and failures (the
 * training state is checked by the worker).
 * @throws ModelFileError with one line naming `source` and the first problem
 */
export function decodeModelFile(text: string, source: string): ModelFile {
  let document: unknown;
  try {
    document = JSON.parse(text, (key, value: unknown) => (typeof value === 'string' && NON_FINITE.has(value) && !TEXT_KEYS.has(key) ? Number(value) : value));
  } catch (error) {
    throw new ModelFileError(source, `not a playground model file (not JSON: ${(error as Error).message})`);
  }
  if (!isRecord(document) || document.kind !== MODEL_FILE_KIND) throw new ModelFileError(source, `not a playground model file (no "kind": "${MODEL_FILE_KIND}"; save one with "Save model")`);
  if (document.version !== MODEL_FILE_VERSION) {
    throw new ModelFileError(source, `model file version ${JSON.stringify(document.version)}; this playground reads version ${MODEL_FILE_VERSION}`);
  }
  const config = checkConfig(document.config, source);
  if (!isRecord(document.training)) throw new ModelFileError(source, 'training: missing (the engine state)');
  const { points, failures } = checkPoints(document, source);
  const update = document.update;
  if (typeof update !== 'number' || !Number.isInteger(update) || update < 0) throw new ModelFileError(source, `update: expected an integer ≥ 0, got ${JSON.stringify(update)}`);
  return { config, points, failures, update, training: document.training };
}
