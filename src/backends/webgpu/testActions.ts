// The test score of the reward-trained programs (bandit, conv bandit): the fraction of test
// images whose sampled action is the label (the mean reward, docs/math.md §2).
import type { ImageSet } from '../../data/dataset.ts';
import type { EvaluationResult } from '../../engine/types.ts';

/**
 * Every run's test score from the evaluation's actions read back, [runs, test images] u32 in
 * run order; with `collectActions`, each run's actions as bytes too.
 */
export function scoreTestActions(actions: Uint32Array, runs: number, test: ImageSet, collectActions: boolean | undefined): EvaluationResult[] {
  return Array.from({ length: runs }, (_, r) => {
    const mine = actions.subarray(r * test.count, (r + 1) * test.count);
    let correct = 0;
    for (let n = 0; n < test.count; n++) if (mine[n] === test.labels[n]) correct++;
    return { testScore: correct / test.count, actions: collectActions ? Uint8Array.from(mine) : undefined };
  });
}
