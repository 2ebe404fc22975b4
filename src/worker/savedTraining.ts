// The worker's part of a saved playground model (issue 15): the engine's whole training state
// (src/engine/state.ts, format "hnca-engine-state") and the session's progress (the training
// loop's examples, stopped runs and window start, the evaluation rhythm and the training time),
// so that a loaded model continues with exactly the numbers of an uninterrupted run.
// Plain JSON values: the page writes them into the model file (src/app/model/modelFile.ts).
import { engineStateFromJson, EngineStateError, type EngineState } from '../engine/state.ts';
import type { LoopProgress } from '../engine/trainingLoop.ts';
import type { RunCounters } from '../engine/types.ts';

/** What a TrainingSession has done beyond its engine's state. */
export interface SessionProgress extends LoopProgress {
  /** metric points recorded since the last test evaluation */
  pointsSinceEvaluation: number;
  /** training milliseconds so far (pauses excluded) */
  trainingMs: number;
}

/** A session's checkpoint in memory: the engine state and the session's progress. */
export interface SessionCheckpoint {
  state: EngineState;
  progress: SessionProgress;
}

/** A session's checkpoint as JSON values (the engine state via engineStateToJson). */
export interface SavedTraining {
  engine: Record<string, unknown>;
  progress: SessionProgress;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** A number, or one written as "NaN" / "Infinity" / "-Infinity" (JSON has no non-finite numbers). */
function scalar(value: unknown, where: string, source: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  throw new EngineStateError(source, `${where}: expected a number, got ${JSON.stringify(value)}`);
}

function counters(value: unknown, where: string, source: string): RunCounters {
  if (!isRecord(value) || !isCount(value.updates) || !isCount(value.examples) || !Array.isArray(value.layerGradVarianceSum) || typeof value.finite !== 'boolean') {
    throw new EngineStateError(source, `${where}: expected run counters`);
  }
  const out: RunCounters = {
    updates: value.updates,
    examples: value.examples,
    scoreSum: scalar(value.scoreSum, `${where}.scoreSum`, source),
    gradVarianceSum: scalar(value.gradVarianceSum, `${where}.gradVarianceSum`, source),
    layerGradVarianceSum: value.layerGradVarianceSum.map((v: unknown, l) => scalar(v, `${where}.layerGradVarianceSum[${l}]`, source)),
    finite: value.finite,
  };
  if (value.varianceUpdates !== undefined) {
    if (!isCount(value.varianceUpdates)) throw new EngineStateError(source, `${where}.varianceUpdates: expected a count`);
    out.varianceUpdates = value.varianceUpdates;
  }
  if (typeof value.failure === 'string') out.failure = value.failure;
  return out;
}

/**
 * Reads the worker's part of a model file: the engine state (decoded and checked by
 * engineStateFromJson) and the session's progress.
 * @throws EngineStateError with one line naming `source` and the first problem
 */
export function decodeSavedTraining(value: unknown, source: string): SessionCheckpoint {
  if (!isRecord(value) || !isRecord(value.progress)) throw new EngineStateError(source, 'no training state (expected { engine, progress })');
  const state = engineStateFromJson(value.engine, source);
  const p = value.progress;
  if (!isCount(p.examples) || !isCount(p.pointsSinceEvaluation) || typeof p.trainingMs !== 'number' || !Number.isFinite(p.trainingMs)) {
    throw new EngineStateError(source, 'progress: expected { examples, pointsSinceEvaluation, trainingMs, failed, windowCounters }');
  }
  if (!Array.isArray(p.failed) || !p.failed.every(isCount)) throw new EngineStateError(source, 'progress.failed: expected run indices');
  if (!Array.isArray(p.windowCounters) || p.windowCounters.length !== state.runs.length) {
    throw new EngineStateError(source, `progress.windowCounters: expected one entry per run (${state.runs.length})`);
  }
  return {
    state,
    progress: {
      examples: p.examples,
      pointsSinceEvaluation: p.pointsSinceEvaluation,
      trainingMs: p.trainingMs,
      failed: p.failed,
      windowCounters: p.windowCounters.map((c: unknown, i) => counters(c, `progress.windowCounters[${i}]`, source)),
    },
  };
}
