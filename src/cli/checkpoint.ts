// Checkpoints of `hnca train` (issue 15): after every epoch the whole training state (engine
// state, src/engine/state.ts) and the records so far are written atomically beside --out;
// `hnca train --resume FILE` continues from one, bit for bit like an uninterrupted run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RunResult } from '../engine/records.ts';
import { engineStateFromJson, engineStateToJson, EngineStateError, type EngineState } from '../engine/state.ts';
import { UsageError } from './flags.ts';
import { toJson } from './output.ts';

export const CHECKPOINT_KIND = 'hnca-train-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** What a checkpoint file holds. */
export interface TrainCheckpoint {
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
  const d = document as Partial<Record<string, unknown>>;
  if (typeof document !== 'object' || document === null || d.kind !== CHECKPOINT_KIND) throw new EngineStateError(file, `not an hnca train checkpoint (no "kind": "${CHECKPOINT_KIND}")`);
  if (d.checkpointVersion !== CHECKPOINT_VERSION) throw new EngineStateError(file, `checkpoint version ${JSON.stringify(d.checkpointVersion)}; this program reads version ${CHECKPOINT_VERSION}`);
  if (!Array.isArray(d.argv) || !d.argv.every((a) => typeof a === 'string')) throw new EngineStateError(file, 'argv: expected the list of the run\'s arguments');
  if (typeof d.epochsDone !== 'number' || !Number.isInteger(d.epochsDone) || d.epochsDone < 1) throw new EngineStateError(file, 'epochsDone: expected an integer ≥ 1');
  if (typeof d.seconds !== 'number' || !Array.isArray(d.runs)) throw new EngineStateError(file, 'seconds and runs: missing');
  const state = engineStateFromJson(d.state, file);
  if (d.runs.length !== state.runs.length) throw new EngineStateError(file, `${d.runs.length} runs of records but ${state.runs.length} runs of state`);
  return { argv: d.argv as string[], epochsDone: d.epochsDone, seconds: d.seconds, runs: d.runs as RunResult[], state };
}
