// The worker's part of a saved playground model (issue 15): the engine's whole training state
// (src/engine/state.ts, format "hnca-engine-state") and the session's progress (the training
// loop's examples, stopped runs and window start, the evaluation rhythm and the training time),
// so that a loaded model continues with exactly the numbers of an uninterrupted run.
// Plain JSON values: the page writes them into the model file (src/app/model/modelFile.ts).
import { engineStateFromJson, EngineStateError, type EngineState } from '../engine/state.ts';
import type { LoopProgress } from '../engine/trainingLoop.ts';
import { parseOrRefuse, sessionProgressSchema } from '../engine/fileSchemas.ts';

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

/**
 * Reads the worker's part of a model file: the engine state (decoded and checked by
 * engineStateFromJson) and the session's progress (every field checked against its schema,
 * src/engine/fileSchemas.ts).
 * @throws EngineStateError with one line naming `source` and the first field that does not fit
 */
export function decodeSavedTraining(value: unknown, source: string): SessionCheckpoint {
  if (!isRecord(value) || !isRecord(value.progress)) throw new EngineStateError(source, 'no training state (expected { engine, progress })');
  const state = engineStateFromJson(value.engine, source);
  const progress = parseOrRefuse(sessionProgressSchema, value.progress, source, 'progress');
  if (progress.windowCounters.length !== state.runs.length) {
    throw new EngineStateError(source, `progress.windowCounters: expected one entry per run (${state.runs.length}), got ${progress.windowCounters.length}`);
  }
  const failed = progress.failed.find((run) => run >= state.runs.length);
  if (failed !== undefined) throw new EngineStateError(source, `progress.failed: run ${failed} does not exist (${state.runs.length} runs)`);
  progress.windowCounters.forEach((c, i) => {
    const layers = state.runs[i].counters.layerGradVarianceSum.length;
    if (c.layerGradVarianceSum.length !== layers) throw new EngineStateError(source, `progress.windowCounters[${i}].layerGradVarianceSum: expected ${layers} layers, got ${c.layerGradVarianceSum.length}`);
  });
  return { state, progress: progress as SessionProgress };
}
