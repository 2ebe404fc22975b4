// A deterministic TrainingEngine for testing the trainer and the CLI without a real back end.
// Run i scores (0.1·(i+1)) per example, adds variance 10^-(i+1) per update, evaluates to 0.5 + 0.01·evaluation.
import {
  expandRuns,
  varianceLayerCount,
  type EngineConfig,
  type EngineFactoryInput,
  type EvaluationResult,
  type ExampleTrace,
  type RunCounters,
  type RunSpec,
  type TrainingEngine,
} from '../../src/engine/types.ts';
import type { Dataset } from '../../src/data/dataset.ts';

/** A dataset of the right counts for a FakeEngine (1000 training and 10 test examples of one pixel, 10 classes). */
export const FAKE_DATA: Dataset = {
  rows: 1,
  cols: 1,
  pixels: 1,
  classes: 10,
  train: { count: 1000, images: new Uint8Array(1000), labels: new Uint8Array(1000) },
  test: { count: 10, images: new Uint8Array(10), labels: new Uint8Array(10) },
};

export class FakeEngine implements TrainingEngine {
  readonly info = { backend: 'cpu' as const, description: 'fake engine for tests' };
  readonly config: EngineConfig;
  readonly runs: RunSpec[];
  readonly updatesPerEpoch: number;
  updatesDone = 0;
  evaluations = 0;
  disposed = false;
  stepCalls: number[] = [];
  /** when set, step throws once updatesDone reaches it */
  failAt?: number;

  constructor(input: EngineFactoryInput) {
    this.config = input.config;
    this.runs = expandRuns(input.config);
    this.updatesPerEpoch = Math.floor(input.data.train.count / input.config.batch);
  }

  private layers(): number {
    return varianceLayerCount(this.config);
  }

  async step(n: number): Promise<void> {
    if (this.failAt !== undefined && this.updatesDone + n > this.failAt) throw new Error('fake engine failure');
    this.stepCalls.push(n);
    this.updatesDone += n;
  }

  async evaluate(): Promise<EvaluationResult[]> {
    this.evaluations += 1;
    return this.runs.map(() => ({
      testScore: 0.5 + 0.01 * this.evaluations,
      ...(this.config.task === 'vae' ? { k: this.config.testK } : {}),
    }));
  }

  async readCounters(): Promise<RunCounters[]> {
    const u = this.updatesDone;
    return this.runs.map((_, i) => ({
      updates: u,
      examples: u * this.config.batch,
      scoreSum: u * this.config.batch * 0.1 * (i + 1),
      gradVarianceSum: u * 10 ** -(i + 1),
      layerGradVarianceSum: Array.from({ length: this.layers() }, (_, l) => u * (l + 1)),
      finite: true,
    }));
  }

  setHyperparameters(): void {}

  async inspect(): Promise<ExampleTrace> {
    throw new Error('not used');
  }

  async readWeights(): Promise<{ rows: number; cols: number; data: Float32Array }> {
    throw new Error('not used');
  }

  dispose(): void {
    this.disposed = true;
  }
}
