// Issue 10's overflow: weights far beyond exp's range (|W| in the hundreds, f32 exp overflows
// at 88) must give finite HNCA credit on the WebGPU kernels, equal to the CPU engine's (which
// tests/bandit-messages.test.ts checks against a float64 reference) within float32 accuracy.
import { describe, expect, it } from 'vitest';
import { logSumExp } from '../src/models/units/softmax.ts';
import { runKernel } from './helpers/kernelHarness.ts';
import { ACTIONS, B, CAP, CHILDREN, f32, flatParams, layerParams, pack, R, randomRun, runStates, SEEDS, unpack, WIDTH } from './helpers/kernelFixtures.ts';

/** D = log(Q0/Q1) from credit = (1 − e^D)/(p + (1 − p)e^D) */
function dFromCredit(p: number, credit: number): number {
  return Math.log((1 - p * credit) / (1 + (1 - p) * credit));
}

describe.each([
  ['pm1', 400],
  ['01', 400],
  ['pm1', 5000],
] as const)('WGSL credit with %s values, weights and logits scaled by %d', (values, scale) => {
  const runs = SEEDS.map((s) => randomRun(s + 300, values, 'hnca'));
  for (const run of runs) {
    for (const t of run.params.tensors) for (let e = 0; e < t.size; e++) t.value[e] *= scale;
    const s = run.scratch;
    for (const z of [s.logit[1], s.outLogit]) for (let e = 0; e < z.length; e++) z[e] = Math.fround(z[e] * scale);
  }
  const centered = values === 'pm1';
  const magnitude = centered ? 2 : 1;

  it('bernoulli_children_credit and softmax_child_credit: finite, equal to the CPU engine', async () => {
    for (const run of runs) run.computeCredit(B);
    const s = runs.map((run) => run.scratch);
    const common = { step: { batch: B }, runs: runStates, outputs: { credit: R * CAP * WIDTH } };
    const bern = await runKernel({
      ...common,
      kernel: 'bernoulli_children_credit',
      layer: layerParams(1, centered),
      inputs: {
        params: flatParams(runs, 'value'),
        parentProbs: pack(s.map((x) => x.prob[0]), WIDTH),
        parentSamples: pack(s.map((x) => x.sample[0]), WIDTH),
        childLogits: pack(s.map((x) => x.logit[1]), CHILDREN),
        childSamples: pack(s.map((x) => x.sample[1]), CHILDREN),
      },
      grid: [Math.ceil(WIDTH / 16), Math.ceil(B / 16), R],
    });
    const soft = await runKernel({
      ...common,
      kernel: 'softmax_child_credit',
      layer: layerParams(2, centered),
      inputs: {
        params: flatParams(runs, 'value'),
        parentProbs: pack(s.map((x) => x.prob[1]), CHILDREN),
        parentSamples: pack(s.map((x) => x.sample[1]), CHILDREN),
        // π in float32 underflows to 0 for most actions here: the kernel must use the logits
        outProbs: pack(s.map((x) => Float32Array.from(x.outLogit, (_, e) => Math.exp(x.outLogit[e] - logSumExp(x.outLogit, e - (e % ACTIONS), ACTIONS)))), ACTIONS),
        outLogits: pack(s.map((x) => Float32Array.from(x.outLogit)), ACTIONS),
        actions: Uint32Array.from(pack(s.map((x) => x.action), 1)),
      },
      outputs: { credit: R * CAP * CHILDREN },
      grid: [Math.ceil((B * CHILDREN) / 64), 1, R],
    });
    let overflowing = 0;
    const failures: string[] = [];
    const check = (what: string, got: number, want: number, p: number, dScale: number): void => {
      const errCredit = Math.abs(got - want) / Math.max(Math.abs(want), 1e-30);
      const errD = Math.abs(dFromCredit(p, got) - dFromCredit(p, want)) / dScale;
      // the credit's relative error, or where D cancels D's error relative to its scale
      if (!Number.isFinite(got) || !(errCredit < 1e-5 || errD < 1e-5)) failures.push(`${what}: WebGPU ${got}, CPU ${want}`);
    };
    s.forEach((x, r) => {
      const gotBern = unpack(f32(bern.credit), r, WIDTH);
      const gotSoft = unpack(f32(soft.credit), r, CHILDREN);
      const w = runs[r].params.weights[1].value;
      const v = runs[r].params.weights[2].value;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < WIDTH; j++) {
          const e = b * WIDTH + j;
          let reach = 0;
          for (let c = 0; c < CHILDREN; c++) reach += Math.abs(x.logit[1][b * CHILDREN + c]) + magnitude * Math.abs(w[j * CHILDREN + c]);
          if (reach > 88) overflowing++;
          check(`Bernoulli child, example ${b}, parent ${j}`, gotBern[e], x.credit[0][e], x.prob[0][e], 12 * CHILDREN);
        }
        for (let j = 0; j < CHILDREN; j++) {
          const e = b * CHILDREN + j;
          let dScale = 1;
          for (let k = 0; k < ACTIONS; k++) dScale = Math.max(dScale, Math.abs(x.outLogit[b * ACTIONS + k]) + magnitude * Math.abs(v[j * ACTIONS + k]));
          if (dScale > 88) overflowing++;
          check(`softmax child, example ${b}, parent ${j}`, gotSoft[e], x.credit[1][e], x.prob[1][e], dScale);
        }
      }
    });
    expect(failures.slice(0, 5)).toEqual([]);
    // the inputs do reach float32 exp's overflow
    expect(overflowing).toBeGreaterThan(B);
  });
});
