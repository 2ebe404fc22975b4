// A worker thread that owns some runs of a CPU engine and answers the threaded engine's requests.
import { parentPort, workerData } from 'node:worker_threads';
import { createCpuEngine } from '../backends/cpu/index.ts';
import { isCheckpointable } from '../engine/state.ts';
import { EngineError } from '../engine/types.ts';
import type { WorkerInit, WorkerRequest, WorkerResponse, WorkerResult } from './cpuEngineWorkerProtocol.ts';

const init = workerData as WorkerInit;
const engine = createCpuEngine({ config: init.config, data: init.data }, init.only);
const port = parentPort;
if (!port) throw new Error('cpuEngineWorker must run in a worker thread');

async function handle(request: WorkerRequest): Promise<WorkerResult> {
  switch (request.kind) {
    case 'step':
      await engine.step(request.n);
      return { kind: 'step' };
    case 'evaluate':
      return { kind: 'evaluate', results: await engine.evaluate({ collectActions: request.collectActions, ...(request.key === undefined ? {} : { key: request.key }) }) };
    case 'readCounters':
      return { kind: 'readCounters', counters: await engine.readCounters() };
    case 'setHyperparameters':
      engine.setHyperparameters({ lr: request.lr, batch: request.batch });
      return { kind: 'setHyperparameters' };
    case 'inspect':
      return { kind: 'inspect', trace: await engine.inspect(request.run, request.pixels, request.seed) };
    case 'readWeights':
      return { kind: 'readWeights', weights: await engine.readWeights(request.run, request.layer) };
    case 'exportState':
      if (!isCheckpointable(engine)) throw new EngineError('this CPU engine cannot export its state', 'internal');
      return { kind: 'exportState', state: await engine.exportState() };
    case 'importState':
      if (!isCheckpointable(engine)) throw new EngineError('this CPU engine cannot import a state', 'internal');
      await engine.importState(request.state, request.source);
      return { kind: 'importState' };
  }
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => port.postMessage({ id: request.id, ok: true, result } satisfies WorkerResponse),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
        errorKind: error instanceof EngineError ? error.kind : 'internal',
      } satisfies WorkerResponse),
  );
});
