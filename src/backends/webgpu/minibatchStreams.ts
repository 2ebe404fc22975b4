// The minibatch streams of a program on the WebGPU runtime (docs/math.md §2: runs of one seed
// train on the same minibatches): one MinibatchStream per distinct seed, in first-appearance
// order (a seed's group), whose epoch permutations the GPU reads from one buffer
// [groups, train images] u32. Shared by every program (bandit, conv bandit, VAE).
import { MinibatchStream } from '../../data/minibatch.ts';
import type { RunSpec } from '../../engine/types.ts';
import type { GpuResources } from './runtime/resources.ts';

/** The seed groups of `runs`: the distinct seeds, each run's group, and one stream per group over `trainCount` images. */
export function seedGroups(runs: readonly RunSpec[], trainCount: number): { seeds: number[]; groupOfRun: number[]; streams: MinibatchStream[] } {
  const seeds = [...new Set(runs.map((r) => r.seed))];
  return { seeds, groupOfRun: runs.map((r) => seeds.indexOf(r.seed)), streams: seeds.map((s) => new MinibatchStream(s, trainCount)) };
}

/** Whether the next minibatch of `batch` examples starts a new epoch (every stream is at the same position). */
export function startsEpoch(streams: readonly MinibatchStream[], batch: number): boolean {
  const lead = streams[0];
  return lead.cursor + batch > lead.count;
}

/**
 * Advances every stream by one minibatch of `batch` examples; when that starts a new epoch,
 * uploads each stream's new permutation to its group's row of `permutation`. Returns the
 * minibatch's epoch and its first position in the epoch's permutation (the step uniform's).
 */
export function advanceStreams(res: GpuResources, streams: readonly MinibatchStream[], permutation: GPUBuffer, batch: number, trainCount: number): { epoch: number; cursor: number } {
  const newEpoch = startsEpoch(streams, batch);
  let epoch = 0;
  let cursor = 0;
  for (const [g, stream] of streams.entries()) {
    const next = stream.next(batch);
    epoch = next.epoch;
    cursor = stream.cursor - batch;
    if (newEpoch) res.write(permutation, stream.permutation, g * trainCount * 4);
  }
  return { epoch, cursor };
}
