// The CPU engine split across Node worker threads: runs are dealt round-robin to threads,
// each thread redraws the same minibatches (they depend only on the seed), so the paired
// comparison is unchanged; the dataset is shared, not copied.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Dataset, ImageSet } from '../data/dataset.ts';
import { createCpuEngine } from '../backends/cpu/index.ts';
import {
  EngineError,
  expandRuns,
  type EngineConfig,
  type EngineFactoryInput,
  type EngineInfo,
  type EvaluateOptions,
  type EvaluationResult,
  type ExampleTrace,
  type RunCounters,
  type RunSpec,
  type TrainingEngine,
} from '../engine/types.ts';
import { checkStateFits, type CheckpointableEngine, type EngineState } from '../engine/state.ts';
import type { WorkerInit, WorkerRequest, WorkerResponse, WorkerResult } from './cpuEngineWorkerProtocol.ts';

type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

function shareBytes(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

function shareSet(set: ImageSet): ImageSet {
  return { count: set.count, images: shareBytes(set.images), labels: shareBytes(set.labels) };
}

class WorkerHandle {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: WorkerResult) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  constructor(readonly worker: Worker) {
    worker.on('message', (response: WorkerResponse) => {
      const entry = this.pending.get(response.id);
      if (!entry) return;
      this.pending.delete(response.id);
      if (response.ok) entry.resolve(response.result);
      else entry.reject(new EngineError(response.message, response.errorKind as EngineError['kind']));
    });
    worker.on('error', (error: Error) => this.fail(error));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(new EngineError(`CPU worker thread exited with code ${code}`, 'internal'));
    });
  }
  private fail(error: Error): void {
    this.failure = error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
  request(body: RequestBody): Promise<WorkerResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id });
    });
  }
}

class ThreadedCpuEngine implements CheckpointableEngine {
  readonly info: EngineInfo;
  readonly runs: RunSpec[];
  updatesDone = 0;
  constructor(
    readonly config: EngineConfig,
    private readonly handles: WorkerHandle[],
    private readonly owned: number[][],
    readonly updatesPerEpoch: number,
    private readonly datasetSizes: EngineState['dataset'],
  ) {
    this.runs = expandRuns(config);
    this.info = { backend: 'cpu', description: `CPU engine (${handles.length} worker threads)` };
  }

  private async all<K extends WorkerResult['kind']>(body: RequestBody & { kind: K }): Promise<Extract<WorkerResult, { kind: K }>[]> {
    const results = await Promise.all(this.handles.map((h) => h.request(body)));
    return results as Extract<WorkerResult, { kind: K }>[];
  }

  /** Puts per-thread arrays (in each thread's run order) back into run-index order. */
  private merge<T>(parts: T[][]): T[] {
    const out = new Array<T>(this.runs.length);
    parts.forEach((part, t) => part.forEach((value, k) => (out[this.owned[t][k]] = value)));
    return out;
  }

  private handleFor(run: number): WorkerHandle {
    const t = this.owned.findIndex((list) => list.includes(run));
    if (t < 0) throw new EngineError(`no run ${run}`, 'config');
    return this.handles[t];
  }

  async step(n: number): Promise<void> {
    await this.all({ kind: 'step', n });
    this.updatesDone += n;
  }

  async evaluate(options?: EvaluateOptions): Promise<EvaluationResult[]> {
    const parts = await this.all({ kind: 'evaluate', collectActions: options?.collectActions ?? false, ...(options?.key === undefined ? {} : { key: options.key }) });
    return this.merge(parts.map((p) => p.results));
  }

  async readCounters(): Promise<RunCounters[]> {
    const parts = await this.all({ kind: 'readCounters' });
    return this.merge(parts.map((p) => p.counters));
  }

  setHyperparameters(change: { lr?: number; batch?: number }): void {
    for (const h of this.handles) void h.request({ kind: 'setHyperparameters', ...change });
  }

  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    const result = await this.handleFor(run).request({ kind: 'inspect', run, pixels, seed });
    if (result.kind !== 'inspect') throw new EngineError('unexpected worker reply', 'internal');
    return result.trace;
  }

  async readWeights(run: number, layer: number): Promise<{ rows: number; cols: number; data: Float32Array }> {
    const result = await this.handleFor(run).request({ kind: 'readWeights', run, layer });
    if (result.kind !== 'readWeights') throw new EngineError('unexpected worker reply', 'internal');
    return result.weights;
  }

  /** Every thread's runs in one state (run-index order); the streams of a seed agree across threads. */
  async exportState(): Promise<EngineState> {
    const parts = (await this.all({ kind: 'exportState' })).map((p) => p.state);
    const first = parts[0];
    const streams = parts.flatMap((p) => p.streams).filter((s, i, all) => all.findIndex((o) => o.seed === s.seed) === i);
    const runs = parts.flatMap((p) => p.runs).sort((a, b) => a.index - b.index);
    return { ...first, config: this.config, streams, runs };
  }

  /** Checks the state against every run here first, so a state that does not fit changes no thread. */
  async importState(state: EngineState, source: string): Promise<void> {
    checkStateFits(state, this.config, this.datasetSizes, this.runs, source);
    await this.all({ kind: 'importState', state, source });
    this.updatesDone = state.updatesDone;
  }

  dispose(): void {
    for (const h of this.handles) void h.worker.terminate();
  }
}

/**
 * A worker thread running cpuEngineWorker: from the sources (this module is a .ts file run by
 * tsx) through tsWorkerBootstrap.mjs, which registers tsx in the thread; from the built
 * library (lib/node/*.js, the packed package) the compiled worker directly, without tsx.
 */
function startWorker(init: WorkerInit): Worker {
  const entry = new URL('./cpuEngineWorker.ts', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(entry.href.replace(/\.ts$/, '.js')), { workerData: init });
  const workerData: WorkerInit & { __entry: string } = { ...init, __entry: entry.href };
  return new Worker(new URL('./tsWorkerBootstrap.mjs', import.meta.url), { workerData });
}

/**
 * The CPU engine on `threads` worker threads (at most one per run; default: the machine's
 * cores). The configuration is validated in this thread first, so errors arrive here.
 */
export async function createThreadedCpuEngine(input: EngineFactoryInput, threads = availableParallelism()): Promise<CheckpointableEngine> {
  const probe = createCpuEngine(input, []);
  const updatesPerEpoch = probe.updatesPerEpoch;
  probe.dispose();
  const runCount = expandRuns(input.config).length;
  const count = Math.max(1, Math.min(threads, runCount));
  const data: Dataset = { ...input.data, train: shareSet(input.data.train), test: shareSet(input.data.test) };
  const owned: number[][] = Array.from({ length: count }, () => []);
  for (let r = 0; r < runCount; r++) owned[r % count].push(r);
  const handles = owned.map((only) => new WorkerHandle(startWorker({ config: input.config, data, only })));
  const sizes = { train: input.data.train.count, test: input.data.test.count, pixels: input.data.pixels, classes: input.data.classes };
  const engine = new ThreadedCpuEngine(input.config, handles, owned, updatesPerEpoch, sizes);
  // surface a worker that fails to start now, not at the first step
  await engine.readCounters();
  return engine;
}
