// One training session for the CLI: data → engine → trainer with progress → plain results.
import { existsSync, statSync } from 'node:fs';
import type { Dataset } from '../data/dataset.ts';
import type { EpochRecord, RunResult } from '../engine/records.ts';
import { train } from '../engine/trainer.ts';
import type { EngineConfig, EngineInfo, RunSpec } from '../engine/types.ts';
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

export interface SessionResult {
  engine: EngineInfo & { selection: string };
  runs: RunResult[];
  seconds: number;
  updatesPerEpoch: number;
  /** the signal that stopped training early (the runs hold the finished epochs), if any */
  interrupted?: StopSignal;
}

export async function runSession(
  config: EngineConfig,
  session: SessionOptions,
  data: Dataset,
  io: Io,
  label = '',
  onEpoch?: (epoch: number, records: EpochRecord[], runs: readonly RunSpec[]) => void,
): Promise<SessionResult> {
  const { engine, why } = await (io.openEngine ?? openEngine)(session.engine, { config, data }, session.threads);
  try {
    io.stdout.write(`${label ? `${label}  ` : ''}${why}\n`);
    const note = config.task === 'vae' ? `K=${config.testK} importance-weighted bound` : '';
    const reporter = createReporter(io.stdout, engine.runs, session.epochs, label, note);
    const result = await train(engine, {
      epochs: session.epochs,
      evaluateEvery: session.evaluateEvery,
      onProgress: (p) => reporter.onProgress(p),
      onEvaluate: (epoch) => reporter.onEvaluate(epoch),
      onEpoch: (epoch, records) => {
        reporter.onEpoch(epoch, records);
        onEpoch?.(epoch, records, engine.runs);
      },
      shouldStop: () => io.interrupt?.requested() !== undefined,
      yieldBetweenChunks: () => new Promise((resolve) => setImmediate(resolve)),
    });
    reporter.finish();
    return {
      engine: { ...engine.info, selection: why },
      runs: result.runs,
      seconds: result.seconds,
      updatesPerEpoch: engine.updatesPerEpoch,
      ...(result.stopped ? { interrupted: io.interrupt?.requested() } : {}),
    };
  } finally {
    engine.dispose();
  }
}
