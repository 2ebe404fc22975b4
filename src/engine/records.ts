// Per-epoch records: the difference of two cumulative RunCounters reads plus an evaluation.
// Pure (no Node, no DOM): the CLI and the playground's worker both use it.
import { isRewardConfig, type EngineConfig, type EvaluationResult, type RunCounters, type RunSpec } from './types.ts';

interface EpochRecordBase {
  /** 1-based epoch number */
  epoch: number;
  /** mean over the epoch's updates (those measured, see RunCounters.varianceUpdates) of the mean per-parameter gradient variance (docs/math.md §4) */
  meanGradVariance: number;
  /** natural log of meanGradVariance */
  logMeanGradVariance: number;
  /** per layer, the same mean (bandit: hidden layers then the output; vae: encoder layers) */
  layerGradVariance: number[];
  /** cumulative updates of the run at the end of the epoch */
  updates: number;
  /** wall-clock seconds this epoch took (training and evaluation) */
  seconds: number;
  /**
   * of `seconds`, those spent evaluating on the test set (0 for an epoch without evaluation;
   * absent in records written before it was recorded, e.g. an older checkpoint's)
   */
  evaluationSeconds?: number;
  /** false once the run produced a non-finite value (it stopped updating) */
  finite: boolean;
  failure?: string;
  /**
   * why the variance fields are NaN although the run is finite: "variance undefined for batch 1"
   * (a batch of one has no spread: docs/math.md §4's variance over the batch is 0 by definition,
   * and its log would be −∞, not a measurement)
   */
  gradVarianceNote?: string;
}

/** The note of a window trained at batch 1 (every update one example). */
export const BATCH_ONE_VARIANCE = 'variance undefined for batch 1';

export interface BanditEpochRecord extends EpochRecordBase {
  /** mean reward over the epoch's updates (online) */
  trainAccuracy: number;
  /** mean reward on the test set with a stochastic forward pass; null when not evaluated this epoch */
  testAccuracy: number | null;
}

export interface VaeEpochRecord extends EpochRecordBase {
  /** mean single-sample ELBO over the epoch's training examples (online), nats */
  trainElbo: number;
  /** K-sample importance-weighted bound on the test set, nats; null when not evaluated this epoch */
  testBound: number | null;
  /** K of testBound */
  k: number;
}

export type EpochRecord = BanditEpochRecord | VaeEpochRecord;

export interface RunResult {
  estimator: RunSpec['estimator'];
  seed: number;
  epochs: EpochRecord[];
}

/** Zero counters of a run with `layers` gradient-variance layers: a new run's counters, and the "before" of the first window. */
export function zeroCounters(layers: number): RunCounters {
  return {
    updates: 0,
    examples: 0,
    scoreSum: 0,
    gradVarianceSum: 0,
    layerGradVarianceSum: new Array<number>(layers).fill(0),
    finite: true,
  };
}

/** Turns two counter reads of one run (before and after an epoch) and its evaluation into a record. */
export function epochRecord(
  config: EngineConfig,
  epoch: number,
  before: RunCounters,
  after: RunCounters,
  evaluation: EvaluationResult | undefined,
  seconds: number,
  evaluationSeconds = 0,
): EpochRecord {
  const updates = after.updates - before.updates;
  const examples = after.examples - before.examples;
  // every update of the window at batch 1: no variance to measure (the engines record 0)
  const batchOne = updates > 0 && examples === updates;
  // the metric is the mean over the updates whose variance was measured (every update's unless varianceEvery > 1)
  const measuredUpdates = (after.varianceUpdates ?? after.updates) - (before.varianceUpdates ?? before.updates);
  const measured = measuredUpdates > 0 && !batchOne;
  const meanGradVariance = measured ? (after.gradVarianceSum - before.gradVarianceSum) / measuredUpdates : Number.NaN;
  const layerGradVariance = after.layerGradVarianceSum.map((sum, l) => (measured ? (sum - (before.layerGradVarianceSum[l] ?? 0)) / measuredUpdates : Number.NaN));
  const score = examples > 0 ? (after.scoreSum - before.scoreSum) / examples : Number.NaN;
  const base: EpochRecordBase = {
    epoch,
    meanGradVariance,
    logMeanGradVariance: Math.log(meanGradVariance),
    layerGradVariance,
    updates: after.updates,
    seconds,
    evaluationSeconds,
    finite: after.finite,
  };
  if (after.failure !== undefined) base.failure = after.failure;
  if (batchOne) base.gradVarianceNote = BATCH_ONE_VARIANCE;
  const testScore = evaluation === undefined ? null : evaluation.testScore;
  if (isRewardConfig(config)) return { ...base, trainAccuracy: score, testAccuracy: testScore };
  return { ...base, trainElbo: score, testBound: testScore, k: evaluation?.k ?? config.testK };
}

export function isBanditRecord(record: EpochRecord): record is BanditEpochRecord {
  return 'trainAccuracy' in record;
}

/** One line per run for logs: "train acc 0.8123  test acc 0.8200  log var -11.23". */
export function describeRecord(record: EpochRecord): string {
  const f = (v: number | null, digits: number): string => (v === null ? '—' : Number.isFinite(v) ? v.toFixed(digits) : String(v));
  const variance = record.gradVarianceNote === undefined ? `log var ${f(record.logMeanGradVariance, 2)}` : `log var — (${record.gradVarianceNote})`;
  const failed = record.finite ? '' : `  STOPPED: ${record.failure ?? 'non-finite value'}`;
  if (isBanditRecord(record)) {
    return `train acc ${f(record.trainAccuracy, 4)}  test acc ${f(record.testAccuracy, 4)}  ${variance}${failed}`;
  }
  const bound = record.testBound === null ? '' : `  test bound (K=${record.k}) ${f(record.testBound, 2)}`;
  return `train ELBO ${f(record.trainElbo, 2)}${bound}  ${variance}${failed}`;
}
