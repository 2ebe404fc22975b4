// The playground's display names. The configuration itself (type, defaults, ranges) lives in
// src/playground/config.ts, shared with the training worker.
import { ESTIMATORS, isEstimatorId } from '../../engine/estimators.ts';
import { BANDIT_ESTIMATORS, type BanditEstimator, type EngineTask, type EstimatorId } from '../../engine/types.ts';
import type { TaskName } from '../../playground/config.ts';

export const TASK_LABELS: Record<TaskName, string> = {
  mnist: 'MNIST contextual bandit',
  patterns: 'Tiny patterns (4×4, 4 classes)',
  vae: 'Discrete VAE',
  conv: 'MNIST conv bandit (appendix E)',
};

/**
 * Names of a bandit engine's `layers` gradient-variance layers (docs/math.md §4): the hidden layers
 * then the output; for the conv bandit (§7.2) its convolutions, the linear layer to the logits,
 * then the output.
 */
export function banditLayerNames(task: EngineTask | undefined, layers: number): string[] {
  return Array.from({ length: layers }, (_, l) => {
    if (l === layers - 1) return 'output layer';
    if (task !== 'conv-bandit') return `hidden layer ${l + 1}`;
    return l === layers - 2 ? 'linear layer to the logits' : `convolution ${l + 1}`;
  });
}

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
