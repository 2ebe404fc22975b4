// Log-domain credit of categorical hidden units (docs/math.md §7.1) on the WebGPU engine, a whole
// update: with the first layer's weights of order 1 and every weight below it scaled to 300, 1e4,
// 1e8 or 1e30 (children's logits then span hundreds to 1e30 nats, far past float32 exp's range at
// 88), the WebGPU kernels (categorical_children_log_q, categorical_softmax_log_q,
// categorical_credit, categorical_signals) give finite posteriors, signals and gradients equal
// to the CPU engine's — whose credit tests/bandit-categorical.test.ts checks against the
// definition (float64) for such weights — and the counters and parameters stay finite.
// Depth 1 puts the huge weights on the softmax output (categorical_softmax_log_q with a
// nontrivial posterior); depth 2 on the categorical children (categorical_children_log_q).
import { describe, expect, it } from 'vitest';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { BANDIT_ESTIMATORS, type BanditConfig } from '../src/engine/types.ts';
import type { BanditParameters } from '../src/models/bandit/parameters.ts';
import { gpuEngine, loadRunParameters, randomDataset, smallConfig } from './helpers/gpuTest.ts';
import { tinyParameters, tinyShape } from './helpers/tinyBandit.ts';

const PIXELS = 6;
const ACTIONS = 4;
const BATCH = 16;
const WIDTH = 3;

/** Order-1 first-layer weights, every later tensor scaled by `scale` (float32 values, as the engines hold them). */
function hugeBelowFirst(hidden: number, categories: number, scale: number): BanditParameters {
  const shape = tinyShape(Array.from({ length: hidden }, () => WIDTH), PIXELS, ACTIONS, 'pm1', categories);
  const params = tinyParameters(shape, 31 + hidden + categories, 1.5);
  params.tensors.slice(2).forEach((t) => t.value.forEach((w, e) => (t.value[e] = w * scale)));
  return params;
}

/**
 * The float32 allowance of a posterior (or a signal, R times a posterior difference) for weights
 * of `scale`: the WebGPU engine's logits are float32 sums of that magnitude, so a moderate
 * counterfactual log-odds — a difference of such logits — carries a few of their ulps (scale ·
 * 2^-22), and the posterior moves by at most a quarter of that. From 2^24 on float32 logits are
 * spaced by more than 1 nat, so a moderate log-odds can only be an exact cancellation (the child's
 * value stays its largest logit): no allowance there.
 */
function roundingAllowance(scale: number): number {
  return scale < 2 ** 24 ? scale * 2 ** -22 : 0;
}

/** |got − want| ≤ 1e-4 + 1e-4 |want| + allowance for every entry, else the first few misfits. */
function misfits(what: string, got: ArrayLike<number>, want: ArrayLike<number>, count: number, allowance = 0): string[] {
  const out: string[] = [];
  for (let e = 0; e < count && out.length < 3; e++) {
    if (!Number.isFinite(got[e]) || !(Math.abs(got[e] - want[e]) <= 1e-4 + 1e-4 * Math.abs(want[e]) + allowance)) out.push(`${what}[${e}]: WebGPU ${got[e]}, CPU ${want[e]}`);
  }
  return out;
}

describe.each([
  { hidden: 1, categories: 3 },
  { hidden: 2, categories: 2 },
  { hidden: 2, categories: 3 },
])('categorical N = $categories, $hidden hidden layer(s): huge weights below the first layer', ({ hidden, categories }) => {
  it.each([300, 1e4, 1e8, 1e30])('weights × %s: one update, every estimator: WebGPU posteriors, signals and gradients finite and equal to the CPU engine\'s', async (scale) => {
    const config: BanditConfig = smallConfig({ hidden, width: WIDTH, units: 'categorical', categories, estimators: [...BANDIT_ESTIMATORS], seeds: [7], batch: BATCH, lr: 1e-3 });
    const data = randomDataset(PIXELS, ACTIONS, BATCH, 8);
    const params = hugeBelowFirst(hidden, categories, scale);
    const cpu = new CpuBanditEngine(config, data);
    const gpu = await gpuEngine(config, data);
    // baseline 0.4: R = r − 0.4 is nonzero for every example of the baseline runs
    await loadRunParameters(cpu, () => params, 0.4);
    await loadRunParameters(gpu, () => params, 0.4);
    await cpu.step(1);
    await gpu.step(1);

    const widths = params.shape.sizes.slice(1, -1);
    const cap = gpu.program.capacity;
    const read = async (name: 'samples' | 'credit' | 'signals', l: number) => new Float32Array(await gpu.program.debugRead(name, l));
    const [samples, credit, signals] = await Promise.all((['samples', 'credit', 'signals'] as const).map((name) => Promise.all(widths.map((_, l) => read(name, l)))));
    const actions = new Uint32Array(await gpu.program.debugRead('actions'));
    const grads = new Float32Array(await gpu.program.debugRead('grads'));
    const perRun = params.tensors.reduce((acc, t) => acc + t.size, 0);
    const failures: string[] = [];
    const allowance = roundingAllowance(scale);
    // the children's logits of the huge layers do leave float32 exp's range
    let beyondExp = 0;
    let nontrivial = 0;
    let ruledOut = 0;
    for (const [r, spec] of gpu.runs.entries()) {
      const run = cpu.runAt(spec.index);
      const s = run.scratch;
      widths.forEach((w, l) => {
        const at = r * cap * w;
        // same samples and actions: the huge logits make most draws certain, the first layer's are order 1
        failures.push(...misfits(`run ${r} samples ${l}`, samples[l].subarray(at, at + BATCH * w), s.sample[l], BATCH * w));
        if (spec.estimator.startsWith('hnca')) {
          failures.push(...misfits(`run ${r} posterior ${l}`, credit[l].subarray(at, at + BATCH * w), s.credit[l], BATCH * w, allowance));
          for (let e = 0; e < BATCH * w; e++) {
            if (s.credit[l][e] > 1e-3 && s.credit[l][e] < 1 - 1e-3) nontrivial++;
            // a value the children rule out: probable a priori, impossible in hindsight
            if (s.prob[l][e] > 1e-3 && s.credit[l][e] < 1e-6) ruledOut++;
          }
        }
        failures.push(...misfits(`run ${r} signals ${l}`, signals[l].subarray(at, at + BATCH * w), s.signal[l], BATCH * w, allowance));
      });
      failures.push(...misfits(`run ${r} actions`, actions.subarray(r * cap, r * cap + BATCH), s.action, BATCH));
      const cpuGrads = Float64Array.from(run.params.tensors.flatMap((t) => Array.from(t.grad)));
      failures.push(...misfits(`run ${r} gradients`, grads.subarray(r * perRun, (r + 1) * perRun), cpuGrads, perRun, allowance));
      const last = widths.length === 1 ? s.outLogit : s.logit[1];
      const span = last.subarray(0, BATCH * (widths.length === 1 ? ACTIONS : widths[1])).reduce((acc, z) => Math.max(acc, Math.abs(z)), 0);
      if (span > 88) beyondExp++;
      const updated = await gpu.program.readParameters(spec.index);
      expect(updated.tensors.every((t) => t.value.every(Number.isFinite))).toBe(true);
    }
    expect(failures).toEqual([]);
    expect(beyondExp).toBe(gpu.runs.length);
    // HNCA runs' first layer: posteriors strictly between 0 and 1 (the huge children do not make
    // it trivial), and values of some prior probability that the children's hundreds of nats rule out
    expect(nontrivial).toBeGreaterThan(0);
    expect(ruledOut).toBeGreaterThan(0);
    const [cc, gc] = [await cpu.readCounters(), await gpu.readCounters()];
    gc.forEach((c, r) => {
      expect(c.finite).toBe(true);
      expect(cc[r].finite).toBe(true);
      expect(Number.isFinite(c.gradVarianceSum)).toBe(true);
      expect(Math.abs(c.gradVarianceSum - cc[r].gradVarianceSum)).toBeLessThanOrEqual(1e-4 * Math.abs(cc[r].gradVarianceSum) + 1e-6);
    });
    console.log(`[categorical log domain N=${categories}, ${hidden} layer(s), weights × ${scale}] posteriors strictly inside (0, 1): ${nontrivial}, values ruled out by the children: ${ruledOut}`);
    gpu.dispose();
    cpu.dispose();
  });
});
