// The training worker's one mutable object (issue 22): the current session, its configuration
// and data, the build counter, the page's generation and the test hooks' switches. Every module
// of the worker (engineLifecycle, modelFiles, views) reads and changes the worker through it;
// none keeps state of its own.
import type { Dataset } from '../data/dataset.ts';
import type { TrainingEngine } from '../engine/types.ts';
import type { PlaygroundConfig } from '../playground/config.ts';
import { MnistSource } from './dataSource.ts';
import type { StampedMessage, WorkerMessage } from './protocol.ts';
import type { TrainingSession } from './trainingSession.ts';

/** Posts a message to the page (DedicatedWorkerGlobalScope.postMessage, or a test's stand-in). */
export type PostToPage = (message: StampedMessage, transfer: Transferable[]) => void;

/** The worker's state: one per worker, created by trainingWorker.ts. */
export class WorkerState {
  /** the session training now (null while an engine is being built or after a failed load) */
  session: TrainingSession | null = null;
  /** the dataset and configuration of the current session */
  dataset: Dataset | null = null;
  sessionConfig: PlaygroundConfig | null = null;
  /** incremented by every (re)build: a build that finds it changed gives way */
  configuration = 0;
  /** the generation of the page's last configure request: every message posted is stamped with it */
  pageGeneration = 0;
  /** test hook 'statelessEngine': engines built from now on hide their state export */
  hideEngineState = false;
  /** test hooks: every engine built and not yet seen released (the probe sums their GPU buffer bytes) */
  readonly builtEngines = new Set<TrainingEngine>();
  /** MNIST, fetched once relative to the site's folder */
  readonly mnist = new MnistSource();

  constructor(
    private readonly postToPage: PostToPage,
    /** whether the page asked for test hooks (?test-hooks=1) */
    readonly testHooks: boolean,
  ) {}

  /** Posts `message` to the page stamped with the page's generation. */
  post(message: WorkerMessage, transfer: Transferable[] = []): void {
    this.postToPage({ ...message, generation: this.pageGeneration }, transfer);
  }

  /** Notes an engine for the test probe's count of GPU buffer bytes over every engine built. */
  track(engine: TrainingEngine): TrainingEngine {
    if (this.testHooks) this.builtEngines.add(engine);
    return engine;
  }
}

/** The one line of any error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
