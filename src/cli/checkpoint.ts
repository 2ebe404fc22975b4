// Checkpoints of `hnca train` (issue 15): after every epoch the whole training state (engine
// state, src/engine/state.ts) and the records so far are written atomically beside --out;
// `hnca train --resume FILE` continues from one, bit for bit like an uninterrupted run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RunResult } from '../engine/records.ts';
import { engineStateFromJson, engineStateToJson, EngineStateError, type EngineState } from '../engine/state.ts';
import { parseOrRefuse, trainCheckpointSchema } from '../engine/fileSchemas.ts';
import { UsageError } from './flags.ts';
import { toJson } from './output.ts';

export const CHECKPOINT_KIND = 'hnca-train-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** What a checkpoint file holds. */
export interface TrainCheckpoint {
  /** the run's identity (a UUID made when it started; kept across resumes), also in its results file; absent in checkpoints written before it existed */
  runId?: string;
  /** the `hnca train` arguments of the run (without --resume), to rebuild its configuration */
  argv: string[];
  /** epochs finished; the engine state is at the end of the last of them */
  epochsDone: number;
  /** training seconds so far (wall clock, summed over resumed sessions) */
  seconds: number;
  /** the per-epoch records so far, one entry per run */
  runs: RunResult[];
  state: EngineState;
}

/** The checkpoint file beside `--out FILE`: results/train.json → results/train.checkpoint.json. */
export function checkpointPath(out: string): string {
  return `${out.replace(/\.json$/i, '')}.checkpoint.json`;
}

/** The checkpoint as JSON text (non-finite record values as strings, like the results file). */
export function encodeCheckpoint(checkpoint: TrainCheckpoint): string {
  return toJson(
    {
      kind: CHECKPOINT_KIND,
      checkpointVersion: CHECKPOINT_VERSION,
      ...(checkpoint.runId === undefined ? {} : { runId: checkpoint.runId }),
      argv: checkpoint.argv,
      epochsDone: checkpoint.epochsDone,
      seconds: checkpoint.seconds,
      runs: checkpoint.runs,
      state: engineStateToJson(checkpoint.state),
    },
    0,
  );
}

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);


/**
 * Reads a checkpoint file.
 * @throws UsageError (exit 2) when the file is missing or is a folder; EngineStateError (exit 2)
 *   when it is not a checkpoint, another version, or damaged — one line naming the file.
 */
export function readCheckpoint(file: string): TrainCheckpoint {
  if (!existsSync(file)) throw new UsageError(`--resume: ${file} does not exist (checkpoints are written beside --out as NAME.checkpoint.json)`);
  if (statSync(file).isDirectory()) throw new UsageError(`--resume: ${file} is a folder; give the checkpoint file`);
  let document: unknown;
  try {
    // records write non-finite numbers as strings: turn them back into numbers
    document = JSON.parse(readFileSync(file, 'utf8'), (key, value: unknown) => (typeof value === 'string' && NON_FINITE.has(value) && key !== 'failure' ? Number(value) : value));
  } catch (error) {
    throw new EngineStateError(file, `not a checkpoint (not JSON: ${(error as Error).message})`);
  }
  if (typeof document !== 'object' || document === null || (document as { kind?: unknown }).kind !== CHECKPOINT_KIND) throw new EngineStateError(file, `not an hnca train checkpoint (no "kind": "${CHECKPOINT_KIND}")`);
  const version = (document as { checkpointVersion?: unknown }).checkpointVersion;
  if (version !== CHECKPOINT_VERSION) throw new EngineStateError(file, `checkpoint version ${JSON.stringify(version)}; this program reads version ${CHECKPOINT_VERSION}`);
  const d = parseOrRefuse(trainCheckpointSchema, document, file);
  const state = engineStateFromJson(d.state, file);
  if (d.runs.length !== state.runs.length) throw new EngineStateError(file, `runs: ${d.runs.length} runs of records but ${state.runs.length} runs of state`);
  d.runs.forEach((run, i) => {
    const saved = state.runs[i];
    if (run.estimator !== saved.estimator || run.seed !== saved.seed) throw new EngineStateError(file, `runs[${i}]: records of ${run.estimator} seed ${run.seed}, but the state's run ${i} is ${saved.estimator} seed ${saved.seed}`);
    if (run.epochs.length !== d.epochsDone) throw new EngineStateError(file, `runs[${i}].epochs: ${run.epochs.length} records, but epochsDone is ${d.epochsDone}`);
    run.epochs.forEach((record, e) => {
      if (record.epoch !== e + 1) throw new EngineStateError(file, `runs[${i}].epochs[${e}].epoch: expected ${e + 1}, got ${record.epoch}`);
    });
  });
  return { ...(d.runId === undefined ? {} : { runId: d.runId }), argv: d.argv, epochsDone: d.epochsDone, seconds: d.seconds, runs: d.runs as RunResult[], state };
}
