// The playground's display names. The configuration itself (type, defaults, ranges) lives in
// src/playground/config.ts, shared with the training worker.
import { ESTIMATORS, isEstimatorId } from '../../engine/estimators.ts';
import { BANDIT_ESTIMATORS, type BanditEstimator, type EstimatorId } from '../../engine/types.ts';
import type { TaskName } from '../../playground/config.ts';

export const TASK_LABELS: Record<TaskName, string> = {
  mnist: 'MNIST contextual bandit',
  patterns: 'Tiny patterns (4×4, 4 classes)',
  vae: 'Discrete VAE',
  conv: 'MNIST nonlinear bandit (conv trunk, appendix E)',
};

/** Display name of an estimator id ("hnca-baseline" → "HNCA + baseline"), from the estimator registry. */
export { estimatorLabel } from '../../engine/estimators.ts';

/** The bandit estimators among a list of run specs, in canonical order. */
export function banditEstimatorsOf(runs: readonly { estimator: string }[]): BanditEstimator[] {
  return BANDIT_ESTIMATORS.filter((e) => runs.some((r) => r.estimator === e));
}

/** The estimators among a list of run specs, in the registry's display order (either task). */
export function estimatorsOfRuns(runs: readonly { estimator: string }[]): EstimatorId[] {
  return ESTIMATORS.map((e) => e.id).filter((id): id is EstimatorId => isEstimatorId(id) && runs.some((r) => r.estimator === id));
}
