// The run states of the reward-trained programs, the bandit (docs/math.md §2) and the conv bandit
// (§7.2): one RunState per run (its seed and group, its estimator's switches, its scalar
// running-mean baseline, `finite`, `failedUpdate`), and how the engine's state export and import
// (../gpuEngine.ts) read and write the baseline. The VAE keeps a baseline per layer.
import { banditEstimator } from '../../engine/estimators.ts';
import type { RunSpec } from '../../engine/types.ts';
import type { RunStateViews } from './program.ts';
import { makeStructuredView, type StructDefinition } from './runtime/webgpuUtils.ts';

/**
 * The run states as first written, [runs] RunState bytes: each run's seed, its seed's group
 * (the minibatch stream it reads), its estimator's switches (HNCA credit or REINFORCE's reward,
 * with or without the running-mean baseline, docs/math.md §2), finite, no failure, baseline 0.
 */
export function initialRewardRunStates(def: StructDefinition, runs: readonly RunSpec[], groupOfRun: readonly number[]): ArrayBuffer {
  const runStates = new ArrayBuffer(def.size * runs.length);
  runs.forEach((run, r) => {
    const estimator = banditEstimator(run.estimator);
    makeStructuredView(def, runStates, r * def.size).set({
      seed: run.seed,
      group: groupOfRun[r],
      hnca: estimator.signal === 'hnca' ? 1 : 0,
      useBaseline: estimator.baseline ? 1 : 0,
      finite: 1,
      failedUpdate: 0,
      baseline: 0,
    });
  });
  return runStates;
}

/** A reward-trained run's saved baselines: its RunState's one f32 running-mean baseline (docs/math.md §2). */
export function rewardBaselines(views: RunStateViews): number[] {
  return [views[0].baseline[0]];
}

/** Writes a saved run's baseline into its RunState (a CPU engine's float64 baseline becomes float32). */
export function restoreRewardBaselines(views: RunStateViews, saved: readonly number[]): void {
  views[0].baseline[0] = saved[0] ?? 0;
}
