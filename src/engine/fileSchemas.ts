// Schemas of what files carry besides the engine state (issue 26): the per-epoch records of a
// checkpoint (src/cli/checkpoint.ts) and the metric points, stopped runs and training progress of
// a playground model file (src/app/model/modelFile.ts, src/worker/savedTraining.ts). Every field's
// type and shape is checked before anything changes, and a refusal is one line naming the field.
//
// valibot (npm) rather than hand-written checks: a declarative schema covers every field (the
// hand-written checks had let `runs: [{}]`, `null` records and `"seconds": "NaN"` through), its
// issues carry the path of the offending field, and it is modular (the page bundles only the
// few functions used, about 3 kB, where zod 4's classic API adds some 50 kB).
// Pure: no Node, no DOM.
import * as v from 'valibot';
import { EngineStateError } from './state.ts';

/** A finite number. */
export const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * A number as files write them: JSON has no NaN or ±Infinity, so those are written as the
 * strings "NaN", "Infinity", "-Infinity" (readers may already have turned them back into numbers).
 */
export const numberLike = v.union([v.custom<number>((input) => typeof input === 'number'), v.pipe(v.picklist(['NaN', 'Infinity', '-Infinity']), v.transform(Number))]);

const recordBase = {
  epoch: v.pipe(v.number(), v.integer(), v.minValue(1)),
  meanGradVariance: numberLike,
  logMeanGradVariance: numberLike,
  layerGradVariance: v.array(numberLike),
  updates: count,
  seconds: v.pipe(v.number(), v.finite(), v.minValue(0)),
  evaluationSeconds: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  finite: v.boolean(),
  failure: v.optional(v.string()),
  gradVarianceNote: v.optional(v.string()),
};

const banditRecordSchema = v.object({ ...recordBase, trainAccuracy: numberLike, testAccuracy: v.nullable(numberLike) });
const vaeRecordSchema = v.object({ ...recordBase, trainElbo: numberLike, testBound: v.nullable(numberLike), k: v.pipe(v.number(), v.integer(), v.minValue(1)) });

/** One epoch record (src/engine/records.ts): the VAE's when it has `trainElbo`, else the bandit's (so a refusal names the field of the one meant). */
export const epochRecordSchema = v.lazy((input: unknown) => (typeof input === 'object' && input !== null && 'trainElbo' in input ? vaeRecordSchema : banditRecordSchema));

/** One run's records (RunResult). */
export const runResultSchema = v.object({ estimator: v.string(), seed: count, epochs: v.array(epochRecordSchema) });

/** One run's metrics over a window of the playground (RunPoint, src/worker/protocol.ts). */
export const runPointSchema = v.object({ train: numberLike, test: v.nullable(numberLike), logVar: numberLike, layerLogVar: v.array(numberLike) });

/** One metric point of the playground (MetricPoint). */
export const metricPointSchema = v.object({ update: count, epoch: v.pipe(v.number(), v.finite(), v.minValue(0)), runs: v.array(runPointSchema), tested: v.boolean() });

/** A stopped run of the playground (RunFailure). */
export const runFailureSchema = v.object({ run: count, failure: v.string(), update: count, epoch: v.pipe(v.number(), v.finite(), v.minValue(0)) });

/** Cumulative counters of a run (RunCounters, src/engine/types.ts). */
export const runCountersSchema = v.object({
  updates: count,
  examples: count,
  scoreSum: numberLike,
  gradVarianceSum: numberLike,
  layerGradVarianceSum: v.array(numberLike),
  /** updates whose gradient variance was measured (ConvBanditConfig.varianceEvery > 1); absent: every update */
  varianceUpdates: v.optional(count),
  finite: v.boolean(),
  failure: v.optional(v.string()),
});

/** The session's progress in a model file (SessionProgress, src/worker/savedTraining.ts). */
export const sessionProgressSchema = v.object({
  examples: count,
  pointsSinceEvaluation: count,
  trainingMs: v.pipe(v.number(), v.finite(), v.minValue(0)),
  failed: v.array(count),
  windowCounters: v.array(runCountersSchema),
});

type PathItem = NonNullable<v.BaseIssue<unknown>['path']>[number];

/** "runs[0].epochs[1].seconds" from a valibot issue's path ("the file" when it has none). */
export function issueField(path: readonly PathItem[], prefix = ''): string {
  let field = prefix;
  for (const item of path) {
    const key = item.key;
    field += typeof key === 'number' ? `[${key}]` : `${field === '' ? '' : '.'}${String(key)}`;
  }
  return field === '' ? 'the file' : field;
}

/** The received value of an issue, short. */
function received(issue: v.BaseIssue<unknown>): string {
  const input = issue.input;
  const text = input === undefined ? 'nothing' : typeof input === 'number' && !Number.isFinite(input) ? String(input) : (JSON.stringify(input) ?? String(input));
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/**
 * The deepest issue under `issue` (a union's alternatives carry their issues, with paths relative
 * to the union's input) and its path from the root.
 */
function deepest(issue: v.BaseIssue<unknown>, base: readonly PathItem[] = []): { issue: v.BaseIssue<unknown>; path: PathItem[] } {
  let best = { issue, path: [...base, ...(issue.path ?? [])] };
  for (const sub of issue.issues ?? []) {
    const d = deepest(sub, best.path);
    if (d.path.length > best.path.length) best = d;
  }
  return best;
}

/**
 * Parses `value` with `schema`.
 * @returns the parsed (typed) value, non-finite strings turned into numbers
 * @throws EngineStateError (or what `refusal` makes) naming `source` and the first field that does not fit:
 *   "b.checkpoint.json: runs[0].epochs[1].seconds: expected a finite number ≥ 0, got "NaN""
 */
export function parseOrRefuse<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  source: string,
  prefix = '',
  refusal: (source: string, problem: string) => Error = (where, problem) => new EngineStateError(where, problem),
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const { issue, path } = deepest(result.issues[0]);
  throw refusal(source, `${issueField(path, prefix)}: expected ${describeExpected(issue)}, got ${received(issue)}`);
}

function describeExpected(issue: v.BaseIssue<unknown>): string {
  switch (issue.type) {
    case 'finite':
      return 'a finite number';
    case 'integer':
      return 'an integer';
    case 'min_value':
      return `a number ≥ ${issue.requirement as number}`;
    case 'picklist':
    case 'union':
      return 'a number (or "NaN", "Infinity", "-Infinity")';
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'number':
      return typeof issue.input === 'number' ? 'a finite number' : 'a number';
    case 'min_length':
      return `at least ${issue.requirement as number} entr${issue.requirement === 1 ? 'y' : 'ies'}`;
    default:
      return `${issue.expected ?? issue.type}`;
  }
}

/** Every field of an `hnca train` checkpoint but the engine state (checked by engineStateFromJson, src/engine/state.ts). */
export const trainCheckpointSchema = v.object({
  runId: v.optional(v.string()),
  argv: v.array(v.string()),
  epochsDone: v.pipe(v.number(), v.integer(), v.minValue(1)),
  seconds: v.pipe(v.number(), v.finite(), v.minValue(0)),
  runs: v.pipe(v.array(runResultSchema), v.minLength(1)),
  state: v.unknown(),
});

/** The metric points and stopped runs of a playground model file. */
export const modelPointsSchema = v.object({ points: v.array(metricPointSchema), failures: v.array(runFailureSchema) });
