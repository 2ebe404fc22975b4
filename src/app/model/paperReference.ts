// The paper's end-of-training values (Figure 1; a typed copy of ../shared/reference-numbers.md)
// and when a playground configuration matches the paper's setting closely enough to show them.
import type { BanditEstimator } from '../../engine/types.ts';
import type { PlaygroundConfig } from './config.ts';

export interface PaperValue {
  hidden: number;
  estimator: BanditEstimator;
  accuracy: number;
  accuracyCi: number;
  logVariance: number;
  logVarianceCi: number;
}

export const PAPER_EPOCHS = 100;

export const PAPER_FIGURE_1: readonly PaperValue[] = [
  { hidden: 1, estimator: 'hnca', accuracy: 0.9469, accuracyCi: 0.0008, logVariance: -13.07, logVarianceCi: 0.02 },
  { hidden: 1, estimator: 'hnca-baseline', accuracy: 0.9364, accuracyCi: 0.0005, logVariance: -12.17, logVarianceCi: 0.01 },
  { hidden: 1, estimator: 'reinforce-baseline', accuracy: 0.8594, accuracyCi: 0.0009, logVariance: -7.85, logVarianceCi: 0.01 },
  { hidden: 1, estimator: 'reinforce', accuracy: 0.8322, accuracyCi: 0.0009, logVariance: -6.02, logVarianceCi: 0.01 },
  { hidden: 2, estimator: 'hnca-baseline', accuracy: 0.8985, accuracyCi: 0.0002, logVariance: -10.133, logVarianceCi: 0.007 },
  { hidden: 2, estimator: 'hnca', accuracy: 0.8769, accuracyCi: 0.0007, logVariance: -8.09, logVarianceCi: 0.01 },
  { hidden: 2, estimator: 'reinforce-baseline', accuracy: 0.8322, accuracyCi: 0.0002, logVariance: -6.894, logVarianceCi: 0.006 },
  { hidden: 2, estimator: 'reinforce', accuracy: 0.791, accuracyCi: 0.001, logVariance: -5.182, logVarianceCi: 0.009 },
  { hidden: 3, estimator: 'hnca-baseline', accuracy: 0.882, accuracyCi: 0.001, logVariance: -9.537, logVarianceCi: 0.009 },
  { hidden: 3, estimator: 'hnca', accuracy: 0.84, accuracyCi: 0.02, logVariance: -7.59, logVarianceCi: 0.01 },
  { hidden: 3, estimator: 'reinforce-baseline', accuracy: 0.779, accuracyCi: 0.006, logVariance: -6.39, logVarianceCi: 0.01 },
  { hidden: 3, estimator: 'reinforce', accuracy: 0.72, accuracyCi: 0.01, logVariance: -4.98, logVarianceCi: 0.02 },
];

/** The paper's values for this configuration's estimators, or [] when the setting differs from the paper's. */
export function paperValuesFor(config: PlaygroundConfig): PaperValue[] {
  const matches =
    config.task === 'mnist' &&
    config.width === 200 &&
    config.batch === 50 &&
    config.lr === 1e-4 &&
    config.optimizer === 'adam' &&
    config.hiddenValues === 'pm1' &&
    config.hidden <= 3;
  if (!matches) return [];
  return PAPER_FIGURE_1.filter((v) => v.hidden === config.hidden && config.estimators.includes(v.estimator));
}
