// Messages between the threaded CPU engine and its worker threads.
import type { Dataset } from '../data/dataset.ts';
import type { EngineState } from '../engine/state.ts';
import type { EngineConfig, EvaluationResult, ExampleTrace, RunCounters } from '../engine/types.ts';

export interface WorkerInit {
  config: EngineConfig;
  /** the dataset, its arrays backed by SharedArrayBuffers (no copy per thread) */
  data: Dataset;
  /** run indices this thread trains */
  only: number[];
}

export type WorkerRequest =
  | { id: number; kind: 'step'; n: number }
  | { id: number; kind: 'evaluate'; collectActions: boolean; key?: number }
  | { id: number; kind: 'readCounters' }
  | { id: number; kind: 'setHyperparameters'; lr?: number; batch?: number }
  | { id: number; kind: 'inspect'; run: number; pixels: Uint8Array; seed: number }
  | { id: number; kind: 'readWeights'; run: number; layer: number }
  | { id: number; kind: 'exportState' }
  | { id: number; kind: 'importState'; state: EngineState; source: string };

export type WorkerResult =
  | { kind: 'step' }
  | { kind: 'evaluate'; results: EvaluationResult[] }
  | { kind: 'readCounters'; counters: RunCounters[] }
  | { kind: 'setHyperparameters' }
  | { kind: 'inspect'; trace: ExampleTrace }
  | { kind: 'readWeights'; weights: { rows: number; cols: number; data: Float32Array } }
  | { kind: 'exportState'; state: EngineState }
  | { kind: 'importState' };

export type WorkerResponse = { id: number; ok: true; result: WorkerResult } | { id: number; ok: false; message: string; errorKind: string };
