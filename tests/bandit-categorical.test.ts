// docs/math.md §7.1 (the paper's appendix D): categorical hidden units on the CPU engine. Every
// estimator is unbiased (exact enumeration against finite differences of E[r], and sampling
// through the real RNG path), HNCA's per-parameter variance is never above REINFORCE's
// (exact), N = 2 categorical units give the Bernoulli estimator's expected gradient under the
// map between the two parameterisations, and any finite weights give finite credit.
import { describe, expect, it } from 'vitest';
import { allocSparseRows } from '../src/data/minibatch.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { forwardKeys } from '../src/models/bandit/forward.ts';
import { BanditParameters, type BanditShape } from '../src/models/bandit/parameters.ts';
import { assignValues, flattenValues } from '../src/models/bandit/tinyNetwork.ts';
import { CategoricalUnits, hindsightPosterior } from '../src/models/units/categorical.ts';
import { hncaSignal, rhoDifference } from '../src/models/units/bernoulli.ts';
import { Stream } from '../src/rng/streams.ts';
import { BANDIT_ESTIMATORS, type BanditEstimator } from '../src/engine/types.ts';
import { exactEstimatorMoments, sampledEstimatorMeans, exactExpectedReward, finiteDifferenceGradient, sparseRow, tinyParameters, tinyShape, type TinyProblem } from './helpers/tinyBandit.ts';

const cases: { categories: number; widths: number[]; actions: number }[] = [
  { categories: 2, widths: [2], actions: 3 },
  { categories: 3, widths: [2], actions: 2 },
  { categories: 2, widths: [2, 2], actions: 3 },
  { categories: 3, widths: [2, 2], actions: 3 },
];

function problemFor(categories: number, widths: number[], actions: number): TinyProblem {
  return {
    shape: tinyShape(widths, 3, actions, 'pm1', categories),
    x: [1, 0, 1],
    rewards: actions === 3 ? [1, 0.2, -0.5] : [0.3, 1],
  };
}

describe('CategoricalUnits: the unit contract (docs/math.md §7.1)', () => {
  const units = new CategoricalUnits(3);
  const logits = [0.3, -1.2, 2];
  const lse = Math.log(logits.reduce((a, z) => a + Math.exp(z), 0));
  const pi = logits.map((z) => Math.exp(z - lse));

  it('samples by inverse CDF and reports log pi(v)', () => {
    expect(units.sample(logits, 0, pi[0] - 1e-9)).toBe(0);
    expect(units.sample(logits, 0, pi[0] + 1e-9)).toBe(1);
    expect(units.sample(logits, 0, pi[0] + pi[1] + 1e-9)).toBe(2);
    for (let v = 0; v < 3; v++) expect(units.logProb(logits, 0, v)).toBeCloseTo(Math.log(pi[v]), 12);
  });

  it('outputChange is the one-hot difference e_v − e_φ', () => {
    const out = new Float64Array(3);
    units.outputChange(2, 0, out, 0);
    expect(Array.from(out)).toEqual([1, 0, -1]);
    units.outputChange(1, 1, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  it('HNCA signals are R pi_k (rho(k) − 1); REINFORCE R (1[φ = k] − pi_k)', () => {
    const logQ = [-0.7, -2.5, -0.1];
    const q = logQ.map(Math.exp);
    const mean = q.reduce((acc, qv, v) => acc + pi[v] * qv, 0);
    const out = new Float64Array(3);
    units.hncaSignals(0.8, logits, 0, logQ, out, 0);
    for (let k = 0; k < 3; k++) expect(out[k]).toBeCloseTo(0.8 * pi[k] * (q[k] / mean - 1), 12);
    units.reinforceSignals(0.8, logits, 0, 1, out, 0);
    for (let k = 0; k < 3; k++) expect(out[k]).toBeCloseTo(0.8 * ((k === 1 ? 1 : 0) - pi[k]), 12);
  });

  it('N = 2 reduces to the Bernoulli signal: pi_1 (rho(1) − 1) = p(1 − p)(rho(1) − rho(0))', () => {
    const two = new CategoricalUnits(2);
    const out = new Float64Array(2);
    for (const [z0, z1, logQ0, logQ1] of [
      [0.2, -0.4, -1.3, -0.2],
      [-3, 2, -0.01, -5],
      [1, 1, -2, -2],
    ]) {
      two.hncaSignals(1.7, [z0, z1], 0, [logQ0, logQ1], out, 0);
      const p = 1 / (1 + Math.exp(z0 - z1));
      const bernoulli = hncaSignal(1.7, p, rhoDifference(p, logQ0 - logQ1));
      expect(out[1]).toBeCloseTo(bernoulli, 12);
      expect(out[0]).toBeCloseTo(-bernoulli, 12);
    }
  });

  it('the hindsight posterior stays finite and normalised for extreme logits and log Q', () => {
    const post = new Float64Array(3);
    const logPi = new Float64Array(3);
    for (const [z, logQ] of [
      [[1e30, -1e30, 0], [-1e30, 0, 1e30]],
      [[-800, 0, 800], [0, -1e6, -1e6]],
      [[0, 0, 0], [-1e300, -1e300, 0]],
    ]) {
      hindsightPosterior(z, 0, 3, logQ, logPi, post, 0);
      expect(post.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)).toBe(true);
      expect(post.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('refuses N < 2', () => {
    expect(() => new CategoricalUnits(1)).toThrow(RangeError);
  });
});

describe.each(cases)('categorical N = $categories, units $widths, $actions actions', ({ categories, widths, actions }) => {
  const problem = problemFor(categories, widths, actions);
  const params = tinyParameters(problem.shape, 23 + categories + widths.length, 1.5);
  const exact = finiteDifferenceGradient(problem.shape, params, problem);

  it('the exact gradient is not trivially zero in any layer', () => {
    let o = 0;
    for (const t of params.tensors) {
      expect(Math.max(...Array.from(exact.subarray(o, o + t.size), Math.abs))).toBeGreaterThan(1e-4);
      o += t.size;
    }
  });

  it.each(BANDIT_ESTIMATORS)('%s: exact expectation equals the finite-difference gradient', (estimator) => {
    // a constant nonzero baseline for the -baseline variants: it must not bias the estimate
    const { mean } = exactEstimatorMoments(params, estimator, problem, 0.4);
    for (let e = 0; e < exact.length; e++) expect(Math.abs(mean[e] - exact[e])).toBeLessThan(1e-9);
  });

  it('Theorem 1: HNCA variance ≤ REINFORCE variance for every parameter (exact), with and without a baseline', () => {
    for (const [hncaId, reinforceId] of [
      ['hnca', 'reinforce'],
      ['hnca-baseline', 'reinforce-baseline'],
    ] as const) {
      const hnca = exactEstimatorMoments(params, hncaId, problem, 0.4).variance;
      const reinforce = exactEstimatorMoments(params, reinforceId, problem, 0.4).variance;
      let strictlyLower = 0;
      for (let e = 0; e < hnca.length; e++) {
        expect(hnca[e]).toBeLessThanOrEqual(reinforce[e] + 1e-12);
        if (hnca[e] < reinforce[e] - 1e-9) strictlyLower++;
      }
      expect(strictlyLower).toBeGreaterThan(0);
    }
  });

  it.each(['hnca-baseline', 'reinforce'] as const)('%s: sample mean through the RNG is within 4.5 standard errors', (estimator) => {
    const { mean, se } = sampledEstimatorMeans(params, estimator, problem, widths.length, 10000);
    for (let e = 0; e < exact.length; e++) expect(Math.abs(mean[e] - exact[e])).toBeLessThanOrEqual(4.5 * se[e] + 1e-9);
  });
});

/**
 * The map from N = 2 categorical parameters to Bernoulli (±1 values) parameters of the same
 * distribution: a Bernoulli logit is z_1 − z_0 of its categorical twin, and a unit's centered
 * one-hot input e_φ − 1/2 is h/2 · (e_1 − e_0) with h = 2φ − 1, the ±1 value.
 * theta_B = M theta_C, linear.
 */
function categoricalToBernoulli(c: BanditShape, flatC: Float64Array, b: BanditShape): Float64Array {
  const cParams = new BanditParameters(c);
  assignValues(cParams, flatC);
  const bParams = new BanditParameters(b);
  const L = c.sizes.length - 1;
  for (let k = 0; k < L; k++) {
    const wc = cParams.weights[k].value;
    const bc = cParams.biases[k].value;
    const wb = bParams.weights[k].value;
    const bb = bParams.biases[k].value;
    const inC = c.sizes[k];
    const outC = c.sizes[k + 1];
    const outB = b.sizes[k + 1];
    const hiddenOut = k < L - 1;
    // D[r, o]: the Bernoulli-logit view of output o of input row r (z_1 − z_0, or z_a for the output)
    const d = (r: number, o: number): number => (hiddenOut ? wc[r * outC + 2 * o + 1] - wc[r * outC + 2 * o] : wc[r * outC + o]);
    const dBias = (o: number): number => (hiddenOut ? bc[2 * o + 1] - bc[2 * o] : bc[o]);
    for (let o = 0; o < outB; o++) {
      if (k === 0) {
        for (let j = 0; j < inC; j++) wb[j * outB + o] = d(j, o);
        bb[o] = dBias(o);
      } else {
        for (let i = 0; i < inC / 2; i++) wb[i * outB + o] = (d(2 * i + 1, o) - d(2 * i, o)) / 2;
        bb[o] = dBias(o);
      }
    }
  }
  return flattenValues(bParams);
}

describe.each([
  { widths: [2], actions: 3 },
  { widths: [2, 2], actions: 2 },
])('N = 2 categorical units against Bernoulli units (units $widths)', ({ widths, actions }) => {
  const cShape = tinyShape(widths, 3, actions, 'pm1', 2);
  const bShape = tinyShape(widths, 3, actions, 'pm1');
  const cParams = tinyParameters(cShape, 41 + widths.length, 1.2);
  // dyadic values: the map's sums and differences are exact in float32
  assignValues(cParams, flattenValues(cParams).map((v) => Math.round(v * 64) / 64));
  const flatC = flattenValues(cParams);
  const bParams = new BanditParameters(bShape);
  assignValues(bParams, categoricalToBernoulli(cShape, flatC, bShape));
  // M column by column (the map is linear): M[:, e] = map(unit vector e)
  const columns = Array.from(flatC, (_, e) => {
    const unit = new Float64Array(flatC.length);
    unit[e] = 1;
    return categoricalToBernoulli(cShape, unit, bShape);
  });
  const rewards = actions === 3 ? [1, 0.2, -0.5] : [0.3, 1];

  it('the mapped network has the same E[r]', () => {
    const cReward = exactExpectedReward(cShape, flatC, { shape: cShape, x: [1, 0, 1], rewards });
    const bReward = exactExpectedReward(bShape, flattenValues(bParams), { shape: bShape, x: [1, 0, 1], rewards });
    expect(cReward).toBeCloseTo(bReward, 12);
  });

  it.each(BANDIT_ESTIMATORS)('%s: E[g_categorical] = Mᵀ E[g_Bernoulli] (exact)', (estimator: BanditEstimator) => {
    const cMean = exactEstimatorMoments(cParams, estimator, { shape: cShape, x: [1, 0, 1], rewards }, 0.4).mean;
    const bMean = exactEstimatorMoments(bParams, estimator, { shape: bShape, x: [1, 0, 1], rewards }, 0.4).mean;
    let largest = 0;
    for (let e = 0; e < flatC.length; e++) {
      const mapped = columns[e].reduce((acc, m, f) => acc + m * bMean[f], 0);
      expect(Math.abs(cMean[e] - mapped)).toBeLessThan(1e-12);
      largest = Math.max(largest, Math.abs(cMean[e]));
    }
    expect(largest).toBeGreaterThan(1e-3);
  });
});

describe('finite credit for huge weights (log domain, docs/math.md §7.1)', () => {
  it.each([1e3, 1e8, 1e30])('weights of scale %s: every credit, signal and gradient is finite', (scale) => {
    const shape = tinyShape([3, 3], 3, 3, 'pm1', 4);
    const params = tinyParameters(shape, 7, scale);
    const run = new BanditRun(params, 'hnca', 8);
    const input = sparseRow([1, 1, 0]);
    for (let t = 0; t < 20; t++) {
      run.estimateGradients(input, forwardKeys(3, t, Stream.hiddenBase, Stream.action, 2), { labels: [0], table: Float64Array.from([1, 0, 0.5]) }, 0);
      const s = run.scratch;
      for (let l = 0; l < 2; l++) {
        for (let i = 0; i < 3; i++) {
          const post = s.credit[l].subarray(i * 4, i * 4 + 4);
          expect(post.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)).toBe(true);
          expect(post.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        }
        expect(s.signal[l].subarray(0, 12).every(Number.isFinite)).toBe(true);
      }
      for (const tensor of params.tensors) expect(tensor.grad.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('the credit by exp tables (fast path) and by logsumexps (log-domain path) equal the definition (docs/math.md §7.1)', () => {
  /** post_i(v) ∝ pi_i(v) Π_children pi'_c(φ_c) with unit i of example b forced to v, straight from the definition (float64). */
  function definitionPosterior(run: BanditRun, l: number, i: number, n: number, b = 0): number[] {
    const s = run.scratch;
    const { sizes } = run.params.shape;
    const last = l === sizes.length - 3;
    const childWidth = sizes[l + 2];
    const m = last ? childWidth : n;
    const units = sizes[l + 1] / n;
    const w = run.params.weights[l + 1].value;
    const z = (last ? s.outLogit : s.logit[l + 1]).subarray(b * childWidth, (b + 1) * childWidth);
    const phi = s.value[l][b * units + i];
    const logSoftmaxAt = (row: number[], k: number) => {
      const max = Math.max(...row);
      return row[k] - max - Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0));
    };
    const logJoint = Array.from({ length: n }, (_, v) => {
      let logQ = 0;
      for (let c = 0; c < childWidth / m; c++) {
        const row = Array.from({ length: m }, (_, k) => z[c * m + k] + w[(i * n + v) * childWidth + c * m + k] - w[(i * n + phi) * childWidth + c * m + k]);
        logQ += logSoftmaxAt(row, last ? s.action[b] : s.value[l + 1][b * (childWidth / m) + c]);
      }
      const at = b * sizes[l + 1] + i * n;
      return logSoftmaxAt(Array.from(s.logit[l].subarray(at, at + n)), v) + logQ;
    });
    return logJoint.map((x, v) => Math.exp(logSoftmaxAt(logJoint, v) + 0 * x));
  }

  it.each([0.5, 3, 100, 400])('weights of scale %s (the tables serve |W| ≤ 150, larger weights the log domain): posteriors within 1e-9', (scale) => {
    const n = 3;
    const shape = tinyShape([4, 3], 5, 4, 'pm1', n);
    const params = tinyParameters(shape, 11, scale);
    const run = new BanditRun(params, 'hnca', 1);
    let worst = 0;
    for (let t = 0; t < 10; t++) {
      run.estimateGradients(sparseRow([1, 0, 1, 1, 0]), forwardKeys(9, t, Stream.hiddenBase, Stream.action, 2), { labels: [0], table: Float64Array.from([1, 0, 0.5, 0.2]) }, 0);
      [4, 3].forEach((units, l) => {
        for (let i = 0; i < units; i++) {
          const want = definitionPosterior(run, l, i, n);
          for (let v = 0; v < n; v++) worst = Math.max(worst, Math.abs(run.scratch.credit[l][i * n + v] - want[v]));
        }
      });
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('a batch whose examples take different paths (children logits spanning more than 300 nats in some): every example\'s posteriors within 1e-9', () => {
    const n = 3;
    const batch = 16;
    const shape = tinyShape([4, 3], 5, 4, 'pm1', n);
    const params = tinyParameters(shape, 11, 0.5);
    // child logit (0, 0) reads +140 from each first-layer unit's value 0 and −140 from its other
    // values: with the centered inputs it moves by 280 nats per unit at value 0 (from −373 with
    // none), so none, three or four units at value 0 make its logits span more than 300 nats
    // (log-domain path) and one or two keep the tables
    for (let i = 0; i < 4; i++) for (let v = 0; v < n; v++) params.weights[1].value[(i * n + v) * shape.sizes[2]] = v === 0 ? 140 : -140;
    const run = new BanditRun(params, 'hnca', batch);
    const input = allocSparseRows(batch, 5);
    for (let b = 0; b < batch; b++) {
      const row = sparseRow([1, b % 2, 1, (b >> 1) % 2, 0]);
      input.onStart[b + 1] = input.onStart[b] + row.onStart[1];
      input.onIndex.set(row.onIndex.subarray(0, row.onStart[1]), input.onStart[b]);
    }
    input.count = batch;
    const paths = { table: 0, logDomain: 0 };
    let worst = 0;
    for (let t = 0; t < 10; t++) {
      run.estimateGradients(input, forwardKeys(9, t, Stream.hiddenBase, Stream.action, 2), { labels: new Uint8Array(batch) }, 0);
      const s = run.scratch;
      for (let b = 0; b < batch; b++) {
        const childLogits = Array.from(s.logit[1].subarray(b * 9, b * 9 + 9));
        const spans = [0, 1, 2].map((c) => Math.max(...childLogits.slice(c * n, c * n + n)) - Math.min(...childLogits.slice(c * n, c * n + n)));
        if (Math.max(...spans) > 300) paths.logDomain += 1;
        else paths.table += 1;
        [4, 3].forEach((units, l) => {
          for (let i = 0; i < units; i++) {
            const want = definitionPosterior(run, l, i, n, b);
            for (let v = 0; v < n; v++) worst = Math.max(worst, Math.abs(s.credit[l][b * units * n + i * n + v] - want[v]));
          }
        });
      }
    }
    expect(paths.table).toBeGreaterThan(10);
    expect(paths.logDomain).toBeGreaterThan(10);
    expect(worst).toBeLessThan(1e-9);
  });
});

describe('centered categorical outputs e_φ − 1/N (docs/math.md §7.1): no second bias per unit', () => {
  const n = 3;
  const shape = tinyShape([3, 2], 4, 3, 'pm1', n);
  const batch = 6;
  const input = allocSparseRows(batch, 4);
  for (let b = 0; b < batch; b++) {
    const row = sparseRow([1, b % 2, (b >> 1) % 2, 1]);
    input.onStart[b + 1] = input.onStart[b] + row.onStart[1];
    input.onIndex.set(row.onIndex.subarray(0, row.onStart[1]), input.onStart[b]);
  }
  input.count = batch;
  const rewards = { labels: [0, 1, 2, 0, 1, 2] };

  it.each(BANDIT_ESTIMATORS)('%s: the gradient rows of a unit\'s N values sum to zero in every layer it feeds (one-hot inputs would give the bias gradient there)', (estimator) => {
    const params = tinyParameters(shape, 17, 1.5);
    const run = new BanditRun(params, estimator, batch);
    let largestBias = 0;
    for (let t = 0; t < 5; t++) {
      run.estimateGradients(input, forwardKeys(4, t, Stream.hiddenBase, Stream.action, 2), rewards, 0.3);
      for (let k = 1; k < params.layerCount; k++) {
        const out = shape.sizes[k + 1];
        const gw = params.weights[k].grad;
        const gb = params.biases[k].grad;
        for (let o = 0; o < out; o++) largestBias = Math.max(largestBias, Math.abs(gb[o]));
        for (let i = 0; i < shape.sizes[k] / n; i++) {
          for (let o = 0; o < out; o++) {
            let sum = 0;
            for (let v = 0; v < n; v++) sum += gw[(i * n + v) * out + o];
            expect(Math.abs(sum)).toBeLessThan(1e-12);
          }
        }
      }
    }
    expect(largestBias).toBeGreaterThan(1e-3);
  });

  it('a constant added to the N rows of a unit changes no logit of the layers it feeds', () => {
    const params = tinyParameters(shape, 19, 1.5);
    const run = new BanditRun(params, 'hnca', batch);
    const keys = () => forwardKeys(6, 0, Stream.hiddenBase, Stream.action, 2);
    run.estimateForward(input, keys());
    const before = [Array.from(run.scratch.logit[1].subarray(0, batch * shape.sizes[2])), Array.from(run.scratch.outLogit.subarray(0, batch * 3))];
    for (const k of [1, 2]) {
      const out = shape.sizes[k + 1];
      for (let o = 0; o < out; o++) for (let v = 0; v < n; v++) params.weights[k].value[(1 * n + v) * out + o] += 0.75;
    }
    run.estimateForward(input, keys());
    const after = [Array.from(run.scratch.logit[1].subarray(0, batch * shape.sizes[2])), Array.from(run.scratch.outLogit.subarray(0, batch * 3))];
    after.forEach((logits, k) => logits.forEach((z, e) => expect(z).toBeCloseTo(before[k][e], 5)));
  });
});
