// One training session for the CLI: data → engine → trainer with progress → plain results.
import { existsSync, statSync } from 'node:fs';
import type { Dataset } from '../data/dataset.ts';
import { findEstimator, type VaeAblation } from '../engine/estimators.ts';
import type { EpochRecord, RunResult } from '../engine/records.ts';
import { train } from '../engine/trainer.ts';
import type { EngineConfig, EngineInfo, TrainingEngine } from '../engine/types.ts';
import { defaultMnistDir, loadMnist } from '../node/mnist.ts';
import { UsageError } from './flags.ts';
import { openEngine } from './openEngine.ts';
import type { SessionOptions } from './options.ts';
import type { InterruptState, StopSignal } from './interrupt.ts';
import { createReporter, type Sink } from './progress.ts';

export interface Io {
  stdout: Sink;
  stderr: (text: string) => void;
  /** engine selection (tests inject a fake engine here) */
  openEngine?: typeof openEngine;
  /** SIGINT / SIGTERM state (the real process installs handlers; absent in tests: never stops) */
  interrupt?: InterruptState;
  /**
   * How the user ran this command, for the hints that say what to run next ("continue with:
   * COMMAND train --resume …"): `hnca` when installed (default), `node bin/hnca.mjs` in a clone
   * (main.ts invocationName)
   */
  command?: string;
}

export interface DatasetInfo {
  source: string;
  train: number;
  test: number;
  rows: number;
  cols: number;
}

export function loadData(session: SessionOptions): { data: Dataset; info: DatasetInfo } {
  if (session.data !== undefined && (!existsSync(session.data) || !statSync(session.data).isDirectory())) {
    throw new UsageError(`--data: ${session.data} is not a folder (it must hold the four MNIST IDX files)`);
  }
  const data = loadMnist({ dir: session.data, trainLimit: session.trainLimit, testLimit: session.testLimit });
  return {
    data,
    info: { source: session.data ?? defaultMnistDir(), train: data.train.count, test: data.test.count, rows: data.rows, cols: data.cols },
  };
}

/** The config as recorded in the output: engine config plus the session's settings. */
export function recordedConfig(config: EngineConfig, session: SessionOptions): Record<string, unknown> {
  return {
    ...config,
    epochs: session.epochs,
    evaluateEvery: session.evaluateEvery,
    engine: session.engine,
    threads: session.threads,
    trainLimit: session.trainLimit ?? null,
    testLimit: session.testLimit ?? null,
    data: session.data ?? null,
  };
}

/** A run as recorded in the results JSON: an appendix-K ablation's run also lists its switches. */
export type RecordedRun = RunResult & { ablations?: readonly VaeAblation[] };

/**
 * The runs as recorded in the results JSON: the run of an appendix-K ablation of f-HNCA +
 * baseline (docs/math.md §7.3) gains `ablations` (e.g. ["all-children"]) after its estimator id;
 * every other run is recorded as it is.
 */
export function recordedRuns(runs: readonly RunResult[]): RecordedRun[] {
  return runs.map((run) => {
    const ablations = findEstimator(run.estimator)?.ablations ?? [];
    if (ablations.length === 0) return run;
    const { estimator, ...rest } = run;
    return { estimator, ablations: [...ablations], ...rest };
  });
}

export interface SessionResult {
  engine: EngineInfo & { selection: string };
  runs: RunResult[];
  seconds: number;
  updatesPerEpoch: number;
  /** the signal that stopped training early (the runs hold the finished epochs), if any */
  interrupted?: StopSignal;
}

/** What a session does besides training: a label for its lines, per-epoch work, a resume. */
export interface SessionHooks {
  /** prefixes every progress line (e.g. "hidden 2") */
  label?: string;
  /** after each epoch (awaited: the epoch log and the checkpoint are written here) */
  onEpoch?: (epoch: number, records: EpochRecord[], engine: TrainingEngine) => void | Promise<void>;
  /** before training, with the opened engine (a resume imports its state here) */
  prepare?: (engine: TrainingEngine) => Promise<void>;
  /** stops training after the current epoch when it returns true (besides SIGINT / SIGTERM): a run whose disk refused its checkpoint */
  shouldStop?: () => boolean;
  /** the finished epochs of a resumed run (see train()'s resume option) */
  resume?: { epochsDone: number; runs: readonly RunResult[] };
}

/**
 * Opens the engine, trains `session.epochs` epochs with progress on io.stdout (stopping early on
 * SIGINT/SIGTERM), and disposes of the engine.
 * @throws whatever the engine or a hook throws (EngineError, EngineStateError, file errors)
 */
export async function runSession(config: EngineConfig, session: SessionOptions, data: Dataset, io: Io, hooks: SessionHooks = {}): Promise<SessionResult> {
  const label = hooks.label ?? '';
  const { engine, why } = await (io.openEngine ?? openEngine)(session.engine, { config, data }, session.threads);
  try {
    io.stdout.write(`${label ? `${label}  ` : ''}${why}\n`);
    await hooks.prepare?.(engine);
    const note = config.task === 'vae' ? `K=${config.testK} importance-weighted bound` : '';
    const reporter = createReporter(io.stdout, engine.runs, session.epochs, label, note);
    const result = await train(engine, {
      epochs: session.epochs,
      evaluateEvery: session.evaluateEvery,
      onProgress: (p) => reporter.onProgress(p),
      onEvaluate: (epoch) => reporter.onEvaluate(epoch),
      onEvaluationProgress: (epoch, done, total) => reporter.onEvaluationProgress(epoch, done, total),
      onEpoch: async (epoch, records) => {
        reporter.onEpoch(epoch, records);
        await hooks.onEpoch?.(epoch, records, engine);
      },
      shouldStop: () => io.interrupt?.requested() !== undefined || (hooks.shouldStop?.() ?? false),
      yieldBetweenChunks: () => new Promise((resolve) => setImmediate(resolve)),
      ...(hooks.resume ? { resume: hooks.resume } : {}),
    });
    reporter.finish();
    return {
      engine: { ...engine.info, selection: why },
      runs: result.runs,
      seconds: result.seconds,
      ...splitSeconds(result.seconds, result.runs),
      updatesPerEpoch: engine.updatesPerEpoch,
      ...(result.stopped ? { interrupted: io.interrupt?.requested() } : {}),
    };
  } finally {
    engine.dispose();
  }
}

/**
 * The session's wall-clock seconds split into training and test-set evaluation (the evaluation
 * seconds of every epoch, read from the first run's records: all runs are evaluated together).
 */
export function splitSeconds(seconds: number, runs: readonly RunResult[]): { trainingSeconds: number; evaluationSeconds: number } {
  const evaluationSeconds = (runs[0]?.epochs ?? []).reduce((sum, r) => sum + (r.evaluationSeconds ?? 0), 0);
  return { trainingSeconds: Math.max(0, seconds - evaluationSeconds), evaluationSeconds };
}
