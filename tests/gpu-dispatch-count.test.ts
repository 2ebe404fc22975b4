// Dispatches per update of the bandit program (issue 16, fewer fatter dispatches): one list per
// update, as the program's planner makes it (the engine's grid checks and training use the same plan).
// Hidden layers sample in the affine kernel's epilogue (affine_bernoulli_sample), so an update
// of L hidden layers takes 5L + 7 dispatches with HNCA runs and 4L + 7 without (6L + 7 and
// 5L + 7 when sampling was a dispatch of its own).
import { describe, expect, it } from 'vitest';
import { banditDims } from '../src/backends/webgpu/bandit/buffers.ts';
import { createKernels } from '../src/backends/webgpu/bandit/kernels.ts';
import { BanditPlanner } from '../src/backends/webgpu/bandit/plan.ts';
import { GpuRuntime } from '../src/backends/webgpu/runtime/runtime.ts';
import { gpuEngine, randomDataset, SHADERS, smallConfig, testDevice } from './helpers/gpuTest.ts';

/** The kernels of one training update, in encoding order. */
async function updateKernels(hidden: number, anyHnca: boolean): Promise<string[]> {
  const device = await testDevice();
  const runtime = new GpuRuntime({ device, description: 'test', cpuAdapter: true, owned: false }, SHADERS);
  const sizes = [784, ...Array.from({ length: hidden }, () => 200), 10];
  const planner = new BanditPlanner(device, createKernels(runtime, 4), banditDims(20, 5, sizes, 64), 4, anyHnca, true);
  const kernels = [...planner.forward(undefined, 64, undefined), ...planner.backward(undefined, 64)].map((d) => d.kernel.name);
  runtime.dispose();
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

describe('bench access: one update dispatch by dispatch (GpuBanditEngine.updateDispatches, runDispatch)', () => {
  it.each([{ units: 'bernoulli' as const }, { units: 'categorical' as const, categories: 3 }])('$units units: running each listed dispatch once gives the parameters of one step(1); a bad index is refused in one line', async (units) => {
    const config = smallConfig({ ...units, hidden: 2, width: 3, estimators: ['hnca', 'reinforce'], batch: 8 });
    const data = randomDataset(12, 4, 16, 8);
    const [whole, dispatched] = [await gpuEngine(config, data), await gpuEngine(config, data)];
    await whole.step(1);
    const kernels = dispatched.updateDispatches();
    // categorical units: affine, sample, log Q, credit and signals per hidden layer (7L + 7); Bernoulli: 5L + 7
    expect(kernels).toHaveLength(units.units === 'categorical' ? 7 * 2 + 7 : 5 * 2 + 7);
    // the matrices fed by categorical units sum their gradients by the one-hot values
    expect(kernels.filter((k) => k === 'categorical_input_gradient')).toHaveLength(units.units === 'categorical' ? 2 : 0);
    expect(kernels.filter((k) => k === 'weight_gradient')).toHaveLength(units.units === 'categorical' ? 1 : 3);
    for (let i = 0; i < kernels.length; i++) await dispatched.runDispatch(i, 1);
    for (const spec of whole.runs) {
      const [a, b] = [await whole.program.readParameters(spec.index), await dispatched.program.readParameters(spec.index)];
      a.tensors.forEach((t, k) => expect(Array.from(b.tensors[k].value)).toEqual(Array.from(t.value)));
    }
    await expect(dispatched.runDispatch(kernels.length, 1)).rejects.toThrow(`dispatch index must be in 0..${kernels.length - 1}, got ${kernels.length}`);
    whole.dispose();
    dispatched.dispose();
  });
});
