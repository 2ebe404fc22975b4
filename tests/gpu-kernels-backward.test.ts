// The credit, signal, gradient, variance, optimizer and counter kernels against the CPU
// engine's code on random inputs; outputs poisoned (NaN) first, every element checked.
import { describe, expect, it } from 'vitest';
import { allocSparseRows } from '../src/data/minibatch.ts';
import { ascentStep, ParameterTensor } from '../src/engine/optimizer.ts';
import { accumulateGradients, hncaSignals, reinforceSignals } from '../src/models/bandit/gradients.ts';
import { runKernel, maxRelativeError } from './helpers/kernelHarness.ts';
import { TestRandom } from './helpers/random.ts';
import { TILINGS, ACTIONS, B, CAP, CHILDREN, expectPaddingPoisoned, f32, flatParams, layerParams, pack, PER_RUN, PIXELS, R, randomRun, runStates, SEEDS, SIZES, unpack, WIDTH } from './helpers/kernelFixtures.ts';

/** −log of a child's clipped probability of its sampled value, from x = −s·u (float64) */
function surprise(x: number): number {
  const sp = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  return Math.min(Math.max(sp, -Math.log(1 - 1e-5)), -Math.log(1e-5));
}

/** D = log(Q0/Q1) from credit = (1 − e^D)/(p + (1 − p)e^D) */
function dFromCredit(p: number, credit: number): number {
  return Math.log((1 - p * credit) / (1 + (1 - p) * credit));
}

describe.each(['pm1', '01'] as const)('WGSL backward kernels vs the CPU engine (%s)', (values) => {
  const runs = SEEDS.map((s, r) => randomRun(s + (values === 'pm1' ? 0 : 100), values, r === 0 ? 'hnca' : 'reinforce'));
  const centered = values === 'pm1';

  it('bernoulli_children_credit and softmax_child_credit: rho(1) − rho(0) (log domain, clipping included)', async () => {
    for (const run of runs) run.computeCredit(B);
    const magnitude = centered ? 2 : 1;
    const s = runs.map((run) => run.scratch);
    for (const [tile, depth] of TILINGS) {
    const bern = await runKernel({
      tile,
      depth,
      kernel: 'bernoulli_children_credit',
      layer: layerParams(1, centered),
      step: { batch: B },
      runs: runStates,
      inputs: {
        params: flatParams(runs, 'value'),
        parentProbs: pack(s.map((x) => x.prob[0]), WIDTH),
        parentSamples: pack(s.map((x) => x.sample[0]), WIDTH),
        childLogits: pack(s.map((x) => x.logit[1]), CHILDREN),
        childSamples: pack(s.map((x) => x.sample[1]), CHILDREN),
      },
      outputs: { credit: R * CAP * WIDTH },
      grid: [Math.ceil(WIDTH / tile), Math.ceil(B / tile), R],
    });
    // Bernoulli children: D = log Q0 − log Q1 is a sum over children of per-child changes that
    // can cancel, so float32 can only promise an error relative to Σ_c |change_c|: compare D
    // (recovered from the credit) against that scale, and the credit itself where D is not small.
    let worstD = 0;
    let worstBern = 0;
    s.forEach((x, r) => {
      const got = unpack(f32(bern.credit), r, WIDTH);
      const w = runs[r].params.weights[1].value;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < WIDTH; j++) {
          const e = b * WIDTH + j;
          const p = x.prob[0][e];
          const delta = x.sample[0][e] === 1 ? -magnitude : magnitude;
          let scale = 0;
          for (let c = 0; c < CHILDREN; c++) {
            const sc = 2 * x.sample[1][b * CHILDREN + c] - 1;
            const xc = -sc * x.logit[1][b * CHILDREN + c];
            scale += Math.abs(surprise(xc - sc * delta * w[j * CHILDREN + c]) - surprise(xc));
          }
          const dGpu = dFromCredit(p, got[e]);
          const dCpu = dFromCredit(p, x.credit[0][e]);
          // the credit's own relative error, or (where D cancels) D's error relative to Σ|change|;
          // D from the credit is ill-conditioned where the credit saturates, so either suffices
          const errCredit = Math.abs(got[e] - x.credit[0][e]) / Math.abs(x.credit[0][e]);
          const errD = Math.min(errCredit, Math.abs(dGpu - dCpu) / Math.max(scale, 1e-30));
          worstD = Math.max(worstD, errD);
          if (Math.abs(dCpu) > 0.1 * scale) worstBern = Math.max(worstBern, errCredit);
        }
      }
    });
      expect(worstD).toBeLessThan(1e-5);
      expect(worstBern).toBeLessThan(1e-5);
      expectPaddingPoisoned(f32(bern.credit), WIDTH);
    }
    // the softmax child: π from the same logits (the kernel takes π, the CPU takes z)
    const outProbs = s.map((x) => {
      const pi = new Float32Array(B * ACTIONS);
      for (let b = 0; b < B; b++) {
        const z = Array.from(x.outLogit.subarray(b * ACTIONS, (b + 1) * ACTIONS));
        const m = Math.max(...z);
        const sum = z.reduce((a, v) => a + Math.exp(v - m), 0);
        z.forEach((v, k) => (pi[b * ACTIONS + k] = Math.exp(v - m) / sum));
      }
      return pi;
    });
    const actions = new Uint32Array(R * CAP);
    s.forEach((x, r) => actions.set(x.action.subarray(0, B), r * CAP));
    const soft = await runKernel({
      kernel: 'softmax_child_credit',
      layer: layerParams(2, centered),
      step: { batch: B },
      runs: runStates,
      inputs: { params: flatParams(runs, 'value'), parentProbs: pack(s.map((x) => x.prob[1]), CHILDREN), parentSamples: pack(s.map((x) => x.sample[1]), CHILDREN), outProbs: pack(outProbs, ACTIONS), outLogits: pack(s.map((x) => Float32Array.from(x.outLogit)), ACTIONS), actions },
      outputs: { credit: R * CAP * CHILDREN },
      grid: [Math.ceil((B * CHILDREN) / 64), 1, R],
    });
    // softmax child: D = ±(x_a − log Σ_k π_k e^{x_k}), x = ΔV[j,:]; the same criterion, scale |x_a| + |log Σ|
    let worstSoft = 0;
    s.forEach((x, r) => {
      const got = unpack(f32(soft.credit), r, CHILDREN);
      const v = runs[r].params.weights[2].value;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < CHILDREN; j++) {
          const e = b * CHILDREN + j;
          const p = x.prob[1][e];
          const delta = x.sample[1][e] === 1 ? -magnitude : magnitude;
          const a = x.action[b];
          let mixed = 0;
          for (let k = 0; k < ACTIONS; k++) mixed += outProbs[r][b * ACTIONS + k] * Math.exp(delta * v[j * ACTIONS + k]);
          const scale = Math.abs(delta * v[j * ACTIONS + a]) + Math.abs(Math.log(mixed));
          const errCredit = Math.abs(got[e] - x.credit[1][e]) / Math.abs(x.credit[1][e]);
          const errD = Math.abs(dFromCredit(p, got[e]) - dFromCredit(p, x.credit[1][e])) / scale;
          worstSoft = Math.max(worstSoft, Math.min(errCredit, errD));
        }
      }
    });
    expect(worstSoft).toBeLessThan(1e-5);
    expectPaddingPoisoned(f32(soft.credit), CHILDREN);
  });

  it('learning_signals: HNCA R p(1−p)(rho1−rho0) and REINFORCE R(φ − p)', async () => {
    const s = runs.map((run) => run.scratch);
    const rewards = new Float32Array(R * CAP * 2);
    s.forEach((x, r) => {
      for (let b = 0; b < B; b++) rewards.set([x.reward[b], x.learningSignal[b]], 2 * (r * CAP + b));
    });
    for (const [l, width] of [[0, WIDTH], [1, CHILDREN]]) {
      const out = await runKernel({
        kernel: 'learning_signals',
        layer: layerParams(l, centered),
        step: { batch: B },
        runs: runStates,
        inputs: { rewards, probs: pack(s.map((x) => x.prob[l]), width), samples: pack(s.map((x) => x.sample[l]), width), credit: pack(s.map((x) => x.credit[l]), width) },
        outputs: { signals: R * CAP * width },
        grid: [Math.ceil((B * width) / 64), 1, R],
      });
      hncaSignals(s[0], l, width, B);
      reinforceSignals(s[1], l, width, B);
      s.forEach((x, r) => expect(maxRelativeError(unpack(f32(out.signals), r, width), x.signal[l].subarray(0, B * width), 1e-6).worst).toBeLessThan(1e-5));
      expectPaddingPoisoned(f32(out.signals), width);
    }
  });

  it('weight_gradient and gradient_variance: batch-mean gradients (bias row included) and §4 variance sums', async () => {
    const rnd = new TestRandom(8);
    const pixels = SEEDS.map(() => Float32Array.from({ length: B * PIXELS }, () => rnd.bit(0.3)));
    const secondMoments = runs.map(() => new Float64Array(3));
    runs.forEach((run, r) => {
      const s = run.scratch;
      for (let l = 0; l < 2; l++) for (let e = 0; e < B * SIZES[l + 1]; e++) s.signal[l][e] = rnd.range(-0.5, 0.5);
      const rows = allocSparseRows(B, PIXELS);
      let k = 0;
      for (let b = 0; b < B; b++) {
        rows.onStart[b] = k;
        for (let j = 0; j < PIXELS; j++) if (pixels[r][b * PIXELS + j]) rows.onIndex[k++] = j;
      }
      rows.onStart[B] = k;
      rows.count = B;
      accumulateGradients(run.params, s, rows, secondMoments[r]);
    });
    const expectedGrads = flatParams(runs, 'grad');
    for (let k = 0; k < 3; k++) {
      const inputs = k === 0 ? pack(pixels, PIXELS) : pack(runs.map((run) => run.scratch.sample[k - 1]), SIZES[k]);
      const signals = k === 2 ? pack(runs.map((run) => run.scratch.outSignal), ACTIONS) : pack(runs.map((run) => run.scratch.signal[k]), SIZES[k + 1]);
      for (const [tile, depth] of TILINGS) {
        const out = await runKernel({
          kernel: 'weight_gradient',
          tile,
          depth,
          layer: layerParams(k, centered),
          step: { batch: B },
          runs: runStates,
          inputs: { inputs, signals },
          outputs: { grads: R * PER_RUN },
          grid: [Math.ceil(SIZES[k + 1] / tile), Math.ceil((SIZES[k] + 1) / tile), R],
        });
        const grads = f32(out.grads);
        const size = (SIZES[k] + 1) * SIZES[k + 1];
        for (let r = 0; r < R; r++) {
          const at = r * PER_RUN + layerParams(k).paramOffset;
          expect(maxRelativeError(grads.subarray(at, at + size), expectedGrads.subarray(at, at + size), 1e-4).worst).toBeLessThan(1e-5);
          // nothing outside the layer's block was written
          for (let e = 0; e < PER_RUN; e++) if (e < at - r * PER_RUN || e >= at - r * PER_RUN + size) expect(Number.isNaN(grads[r * PER_RUN + e])).toBe(true);
        }
      }
      const variance = await runKernel({
        kernel: 'gradient_variance',
        layer: layerParams(k, centered),
        step: { batch: B },
        runs: runStates,
        inputs: { inputs, signals, grads: expectedGrads },
        outputs: { variance: R * 3 },
        grid: [1, 1, R],
      });
      for (let r = 0; r < R; r++) {
        const g = [runs[r].params.weights[k].grad, runs[r].params.biases[k].grad];
        const squares = g.reduce((a, t) => a + t.reduce((x, v) => x + Math.fround(v) ** 2, 0), 0);
        const expected = secondMoments[r][k] - squares;
        expect(expected).toBeGreaterThan(0);
        expect(Math.abs(f32(variance.variance)[r * 3 + k] - expected) / expected).toBeLessThan(1e-5);
      }
    }
  });

  it('adam_ascent (and sgd): one ascent step per finite run; a non-finite run is left alone', async () => {
    const rnd = new TestRandom(values === 'pm1' ? 10 : 11);
    for (const optimizer of ['adam', 'sgd'] as const) {
      const tensors = SEEDS.map(() => new ParameterTensor(PER_RUN));
      for (const t of tensors) {
        t.value.set(rnd.floats(PER_RUN, -1, 1));
        t.m.set(rnd.floats(PER_RUN, -0.1, 0.1));
        t.v.set(rnd.floats(PER_RUN, 0, 0.01));
        t.grad.set(rnd.floats(PER_RUN, -1, 1));
        for (let e = 0; e < PER_RUN; e += 17) t.grad[e] = 0;
      }
      const joined = (part: 'value' | 'm' | 'v' | 'grad') => Float32Array.from([...tensors[0][part], ...tensors[1][part]]);
      const opt = { optimizer, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
      const t = 7;
      const before = joined('value');
      const out = await runKernel({
        kernel: 'adam_ascent',
        layer: layerParams(0),
        step: { optimizer: optimizer === 'sgd' ? 1 : 0, lr: opt.lr, beta1: opt.beta1, beta2: opt.beta2, eps: opt.eps, c1: 1 / (1 - opt.beta1 ** t), c2: 1 / (1 - opt.beta2 ** t), oneMinusBeta1: 1 - opt.beta1, oneMinusBeta2: 1 - opt.beta2 },
        runs: [runStates[0], { ...runStates[1], finite: 0 }],
        inputs: { grads: joined('grad'), params: joined('value'), moment1: joined('m'), moment2: joined('v') },
        outputs: { params: R * PER_RUN, moment1: R * PER_RUN, moment2: R * PER_RUN },
        grid: [Math.ceil((R * PER_RUN) / 64), 1, 1],
      });
      ascentStep([tensors[0]], opt, t, new Float64Array(1));
      const params = f32(out.params);
      // the parameter step is what must agree: compare θ' − θ relative to the step size
      const step = Array.from(params.subarray(0, PER_RUN), (v, e) => v - before[e]);
      const expected = Array.from(tensors[0].value, (v, e) => v - before[e]);
      expect(maxRelativeError(step, expected, opt.lr * 1e-2).worst).toBeLessThan(1e-3);
      expect(Array.from(params.subarray(PER_RUN))).toEqual(Array.from(before.subarray(PER_RUN)));
      if (optimizer === 'adam') {
        // m = β1 m + (1 − β1) g can cancel: error relative to the terms' size (~1e-2 here)
        expect(maxRelativeError(f32(out.moment1).subarray(0, PER_RUN), tensors[0].m, 1e-2).worst).toBeLessThan(1e-5);
        expect(maxRelativeError(f32(out.moment2).subarray(0, PER_RUN), tensors[0].v, 1e-8).worst).toBeLessThan(1e-5);
      }
    }
  });
});

describe('baseline_and_counters kernel', () => {
  it('adds the reward sum, the §4 variance means and the counts to the window, updates bbar, flags non-finite runs', async () => {
    const rnd = new TestRandom(12);
    const layers = 3;
    const layerSizes = Float32Array.from([(PIXELS + 1) * WIDTH, (WIDTH + 1) * CHILDREN, (CHILDREN + 1) * ACTIONS, PER_RUN]);
    const rewards = new Float32Array(R * CAP * 2);
    for (let r = 0; r < R; r++) for (let b = 0; b < B; b++) rewards[2 * (r * CAP + b)] = rnd.bit();
    const variance = Float32Array.from({ length: R * layers }, () => rnd.range(0.1, 5));
    const metrics = Float32Array.from({ length: R * 7 }, () => rnd.range(0, 10));
    // three runs: a finite baseline run, a finite plain run whose variance is NaN (it fails now), a failed run
    const states = [
      { ...runStates[1], baseline: 0.25 },
      { ...runStates[0], finite: 1 },
      { ...runStates[0], finite: 0, failedUpdate: 3 },
    ];
    const runs3 = states.length;
    const rewards3 = new Float32Array(runs3 * CAP * 2);
    rewards3.set(rewards);
    const variance3 = new Float32Array(runs3 * layers);
    variance3.set(variance);
    variance3[layers + 1] = Number.NaN;
    const metrics3 = new Float32Array(runs3 * 7);
    metrics3.set(metrics);
    const out = await runKernel({
      kernel: 'baseline_and_counters',
      layer: { ...layerParams(0), runs: runs3 },
      step: { batch: B, update: 41 },
      runs: states,
      inputs: { rewards: rewards3, variance: variance3, layerSizes, metrics: metrics3 },
      outputs: { metrics: runs3 * 7, runs: runs3 * 8 },
      grid: [runs3, 1, 1],
    });
    const m = f32(out.metrics);
    const words = new Uint32Array(out.runs);
    const floats = f32(out.runs);
    // run 0: everything added, baseline moved
    const rewardSum = Array.from({ length: B }, (_, b) => rewards3[2 * b]).reduce((a, v) => a + v, 0);
    const expected = Array.from(metrics3.subarray(0, 7));
    expected[0] += 1;
    expected[1] += B;
    expected[2] += rewardSum;
    let total = 0;
    for (let k = 0; k < layers; k++) {
      total += variance3[k];
      expected[4 + k] += variance3[k] / layerSizes[k];
    }
    expected[3] += total / layerSizes[layers];
    expect(maxRelativeError(m.subarray(0, 7), expected).worst).toBeLessThan(1e-6);
    expect(Math.abs(floats[6] - (0.99 * 0.25 + 0.01 * (rewardSum / B)))).toBeLessThan(1e-7);
    expect(words[4]).toBe(1);
    // run 1: non-finite variance: flagged at update 42 (1-based), no baseline (plain run)
    expect(words[8 + 4]).toBe(0);
    expect(words[8 + 5]).toBe(42);
    expect(floats[8 + 6]).toBe(0);
    // run 2: already failed: nothing changes
    expect(Array.from(m.subarray(14, 21))).toEqual(Array.from(metrics3.subarray(14, 21)));
    expect(words[16 + 5]).toBe(3);
  });
});

