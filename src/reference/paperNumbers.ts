// The paper's end-of-training numbers (mean of 5 seeds ± a 95% confidence interval), as data:
// users of the project have no copy of the notes they came from. Labels follow the paper's
// sentences; the extracted text printed the numbers without their labels.
import type { BanditEstimator } from '../engine/types.ts';

export interface ValueWithCi {
  mean: number;
  ci95: number;
}

export interface Fig1Reference {
  hidden: number;
  estimator: BanditEstimator;
  finalAccuracy: ValueWithCi;
  finalLogMeanGradVariance: ValueWithCi;
}

/** Figure 1: contextual bandit MNIST, 100 epochs, batch 50, Adam 1e-4, 200 units a layer. */
export const FIG1_REFERENCE: readonly Fig1Reference[] = [
  { hidden: 1, estimator: 'hnca', finalAccuracy: { mean: 0.9469, ci95: 0.0008 }, finalLogMeanGradVariance: { mean: -13.07, ci95: 0.02 } },
  { hidden: 1, estimator: 'hnca-baseline', finalAccuracy: { mean: 0.9364, ci95: 0.0005 }, finalLogMeanGradVariance: { mean: -12.17, ci95: 0.01 } },
  { hidden: 1, estimator: 'reinforce-baseline', finalAccuracy: { mean: 0.8594, ci95: 0.0009 }, finalLogMeanGradVariance: { mean: -7.85, ci95: 0.01 } },
  { hidden: 1, estimator: 'reinforce', finalAccuracy: { mean: 0.8322, ci95: 0.0009 }, finalLogMeanGradVariance: { mean: -6.02, ci95: 0.01 } },
  { hidden: 2, estimator: 'hnca-baseline', finalAccuracy: { mean: 0.8985, ci95: 0.0002 }, finalLogMeanGradVariance: { mean: -10.133, ci95: 0.007 } },
  { hidden: 2, estimator: 'hnca', finalAccuracy: { mean: 0.8769, ci95: 0.0007 }, finalLogMeanGradVariance: { mean: -8.09, ci95: 0.01 } },
  { hidden: 2, estimator: 'reinforce-baseline', finalAccuracy: { mean: 0.8322, ci95: 0.0002 }, finalLogMeanGradVariance: { mean: -6.894, ci95: 0.006 } },
  { hidden: 2, estimator: 'reinforce', finalAccuracy: { mean: 0.791, ci95: 0.001 }, finalLogMeanGradVariance: { mean: -5.182, ci95: 0.009 } },
  { hidden: 3, estimator: 'hnca-baseline', finalAccuracy: { mean: 0.882, ci95: 0.001 }, finalLogMeanGradVariance: { mean: -9.537, ci95: 0.009 } },
  { hidden: 3, estimator: 'hnca', finalAccuracy: { mean: 0.84, ci95: 0.02 }, finalLogMeanGradVariance: { mean: -7.59, ci95: 0.01 } },
  { hidden: 3, estimator: 'reinforce-baseline', finalAccuracy: { mean: 0.779, ci95: 0.006 }, finalLogMeanGradVariance: { mean: -6.39, ci95: 0.01 } },
  { hidden: 3, estimator: 'reinforce', finalAccuracy: { mean: 0.72, ci95: 0.01 }, finalLogMeanGradVariance: { mean: -4.98, ci95: 0.02 } },
];

/**
 * ln 6 = 1.792 nats: the paper's printed Figure 1 variances lie this far below the metric its own
 * public code computes (and ours, docs/math.md §4), in all 12 cells. A printed value plus this is
 * the same value on our metric's scale.
 */
export const PAPER_VARIANCE_OFFSET = Math.log(6);

/** Why the Figure 1 table shows the paper's variance twice (docs/math.md §4). */
export const FIG1_VARIANCE_NOTE =
  'The paper prints its Figure 1 variances 6× below the metric its own public code computes, which is ours (docs/math.md §4): compare our log variance with "paper + ln 6", not with the printed value.';

export const FIG1_NOTE = 'Paper: train (online) and test accuracy "essentially overlap"; its accuracy is compared with both.';

/**
 * Figure 3: discrete hierarchical VAE on MNIST, 840 epochs. The text gives no labelled numbers,
 * only the ordering below and the unlabelled values printed in the figure.
 */
export const FIG3_REFERENCE = {
  epochs: 840,
  ordering: [
    '1 stochastic layer: f-HNCA is best of all methods (f-HNCA with baseline is the same thing there: no mediated connections).',
    '2 and 3 layers: f-HNCA with baseline is best; plain f-HNCA falls below DisARM and REINFORCE LOO and below REINFORCE with baseline; plain REINFORCE is far the worst.',
  ],
  /** final training ELBOs printed in the figure, labels not recoverable */
  printedFinalTrainElbos: [-100.5, -103.3, -104.0, -104.6, -106.57, -106.9, -111.9, -112.2, -113.3, -116.1, -116.1, -129.0, -129.3, -134.3],
  /** range of the printed log mean encoder-gradient variances; REINFORCE highest */
  logMeanGradVarianceRange: [-5.7, 6.5] as const,
} as const;

export function fig1Reference(hidden: number, estimator: string): Fig1Reference | undefined {
  return FIG1_REFERENCE.find((r) => r.hidden === hidden && r.estimator === estimator);
}
