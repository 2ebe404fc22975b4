// Dispatches per update of the bandit program (issue 16, fewer fatter dispatches): one list per
// update, as UpdateEncoder encodes it (the engine's planning and training use the same code).
// Hidden layers sample in the affine kernel's epilogue (affine_bernoulli_sample), so an update
// of L hidden layers takes 5L + 7 dispatches with HNCA runs and 4L + 7 without (6L + 7 and
// 5L + 7 when sampling was a dispatch of its own).
import { describe, expect, it } from 'vitest';
import { banditDims } from '../src/engine/gpu/bandit/buffers.ts';
import type { KernelName } from '../src/engine/gpu/bandit/kernels.ts';
import { UpdateEncoder } from '../src/engine/gpu/bandit/updateEncoding.ts';
import { testDevice } from './helpers/gpuTest.ts';

/** The kernels of one training update, in encoding order. */
async function updateKernels(hidden: number, anyHnca: boolean): Promise<KernelName[]> {
  const device = await testDevice();
  const sizes = [784, ...Array.from({ length: hidden }, () => 200), 10];
  const encoder = new UpdateEncoder(device, banditDims(20, 5, sizes, 64), 4, anyHnca);
  const kernels: KernelName[] = [];
  const sink = { dispatch: (kernel: KernelName) => void kernels.push(kernel) };
  encoder.forward(sink, 0, 64, undefined);
  encoder.backward(sink, 0, 64);
  return kernels;
}

describe('dispatches per bandit update', () => {
  it.each([1, 2, 3])('%i hidden layers: 5L + 7 with HNCA runs, 4L + 7 with REINFORCE only, one fused affine-and-sample kernel per hidden layer', async (hidden) => {
    const hnca = await updateKernels(hidden, true);
    const reinforce = await updateKernels(hidden, false);
    expect(hnca).toHaveLength(5 * hidden + 7);
    expect(reinforce).toHaveLength(4 * hidden + 7);
    for (const list of [hnca, reinforce]) {
      expect(list.filter((k) => k === 'affine_bernoulli_sample')).toHaveLength(hidden);
      expect(list.filter((k) => k === 'affine_logits')).toHaveLength(1);
      expect(list.filter((k) => k === 'learning_signals')).toHaveLength(hidden);
    }
    expect(hnca.filter((k) => k === 'bernoulli_children_credit' || k === 'softmax_child_credit')).toHaveLength(hidden);
    expect(reinforce.filter((k) => k === 'bernoulli_children_credit' || k === 'softmax_child_credit')).toHaveLength(0);
  });
});
