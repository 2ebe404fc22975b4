// docs/math.md §7.3: the appendix-K ablations of f-HNCA + baseline are real switches. Their
// unbiasedness is proven beside every estimator in vae-enumeration.test.ts (exact expectation
// = finite-difference ELBO gradient, depth 1–3) and vae-sampling.test.ts (the RNG path). Here:
// on every sample they change the estimate of each layer that has encoder children (depth ≥ 2),
// they cannot change the top layer's (no children: ρ1 = ρ0 = 1), they change the variance, and
// their baselines average exactly the components §7.3 names.
import { describe, expect, it } from 'vitest';
import { ABLATION_BASE, ablatedEstimator, VAE_ABLATED_ESTIMATORS, vaeEstimator, type VaeEstimator } from '../src/engine/estimators.ts';
import { ExampleWork, VaeTables } from '../src/models/vae/estimators.ts';
import type { VaeParams } from '../src/models/vae/params.ts';
import { ChoiceDraws, enumerate, exactEstimatorMoments, setInput, tinyModel } from './vaeTiny.ts';

const X = [1, 0, 1, 1];

interface Sample {
  prob: number;
  /** encGrad per layer l = 1..L (index 0 unused) */
  grad: Float64Array[];
  baselineTarget: Float64Array;
  elbo: number;
  /** Dec_m and Ent_l of the pass */
  dec: Float64Array;
  ent: Float64Array;
}

/** Every joint sample of the forward pass with `estimator`'s outputs, replaying the same choices for each estimator. */
function samplesOf(params: VaeParams, estimator: VaeEstimator, baselines: Float64Array): Sample[] {
  const work = new ExampleWork(params.sizes);
  const tables = new VaeTables(params.sizes);
  tables.update(params);
  const out: Sample[] = [];
  const taken: number[][] = [];
  enumerate(
    (d) => {
      setInput(work.main, X);
      work.estimate(params, ABLATION_BASE, d, tables, baselines);
      taken.push([...d.taken]);
    },
    () => {},
  );
  const replay = new ChoiceDraws();
  for (const choices of taken) {
    replay.reset(choices);
    setInput(work.main, X);
    work.estimate(params, estimator, replay, tables, baselines);
    out.push({
      prob: replay.prob,
      grad: work.encGrad.map((g) => Float64Array.from(g)),
      baselineTarget: Float64Array.from(work.baselineTarget),
      elbo: work.elbo,
      dec: Float64Array.from(work.main.dec),
      ent: Float64Array.from(work.main.ent),
    });
  }
  return out;
}

function largestDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('the ablation ids', () => {
  it('name every subset of the two switches, plain f-HNCA + baseline for none', () => {
    expect(ablatedEstimator([])).toBe('fhnca-baseline');
    expect(ablatedEstimator(['all-children'])).toBe('fhnca-baseline-all-children');
    expect(ablatedEstimator(['full-reward'])).toBe('fhnca-baseline-full-reward');
    expect(ablatedEstimator(['full-reward', 'all-children', 'full-reward'])).toBe('fhnca-baseline-all-children-full-reward');
    for (const id of VAE_ABLATED_ESTIMATORS) {
      const e = vaeEstimator(id);
      expect([e.signal, e.baseline, e.extraSample], id).toEqual(['fhnca', true, 'none']);
      expect(ablatedEstimator(e.ablations)).toBe(id);
    }
  });
});

describe('tiny VAE, 1 layer: the top layer has no encoder children, so the ablations change nothing', () => {
  const params = tinyModel({ pixels: 4, layers: 1, width: 2 }, 12);
  const baselines = new Float64Array(2).fill(3.7);
  const plain = samplesOf(params, ABLATION_BASE, baselines);

  it.each([...VAE_ABLATED_ESTIMATORS])('%s: every sample’s estimate equals plain f-HNCA + baseline’s', (estimator) => {
    const ablated = samplesOf(params, estimator, baselines);
    expect(ablated.length).toBe(plain.length);
    for (let s = 0; s < plain.length; s++) expect(largestDifference(ablated[s].grad[1], plain[s].grad[1])).toBe(0);
  });
});

describe.each([2, 3])('tiny VAE, %i layers: the ablations are not no-ops', (layers) => {
  const params = tinyModel({ pixels: 4, layers, width: 2 }, 11 + layers);
  const baselines = new Float64Array(layers + 1).fill(3.7);
  const plain = samplesOf(params, ABLATION_BASE, baselines);

  it.each([...VAE_ABLATED_ESTIMATORS])('%s: changes the estimates of the layers below the top, not the top layer’s', (estimator) => {
    const ablated = samplesOf(params, estimator, baselines);
    for (let l = 1; l <= layers; l++) {
      const worst = Math.max(...plain.map((p, s) => largestDifference(ablated[s].grad[l], p.grad[l])));
      if (l === layers) expect(worst, `top layer ${l}`).toBe(0);
      else expect(worst, `layer ${l}`).toBeGreaterThan(1e-3);
    }
  });

  it.each([...VAE_ABLATED_ESTIMATORS])('%s: the same expectation with another variance', (estimator) => {
    const p = exactEstimatorMoments(params, X, ABLATION_BASE, baselines);
    const a = exactEstimatorMoments(params, X, estimator, baselines);
    let changed = 0;
    for (let k = 0; k < p.mean[0].length; k++) {
      // layer 1's weights (tensor 0): a layer with children
      expect(Math.abs(a.mean[0][k] - p.mean[0][k])).toBeLessThan(1e-9);
      const vp = p.second[0][k] - p.mean[0][k] ** 2;
      const va = a.second[0][k] - a.mean[0][k] ** 2;
      if (Math.abs(va - vp) > 1e-6 * Math.max(1, vp)) changed++;
    }
    expect(changed).toBeGreaterThan(0);
  });

  it('the baselines average the components §7.3 names (all children: decoder term below and next entropy; full reward: upstream)', () => {
    const withChildren = samplesOf(params, 'fhnca-baseline-all-children', baselines);
    const withUpstream = samplesOf(params, 'fhnca-baseline-full-reward', baselines);
    const both = samplesOf(params, 'fhnca-baseline-all-children-full-reward', baselines);
    for (let s = 0; s < plain.length; s++) {
      const { dec, ent } = plain[s];
      for (let l = 1; l < layers; l++) {
        let upstream = 0;
        for (let k = 1; k <= l; k++) upstream += ent[k];
        for (let m = 0; m <= l - 2; m++) upstream += dec[m];
        const base = plain[s].baselineTarget[l];
        expect(withChildren[s].baselineTarget[l] - base).toBeCloseTo(dec[l - 1] + ent[l + 1], 12);
        expect(withUpstream[s].baselineTarget[l] - base).toBeCloseTo(upstream, 12);
        // both switches: every component of the ELBO (the decoder term above is term 3's)
        expect(both[s].baselineTarget[l]).toBeCloseTo(plain[s].elbo, 10);
      }
    }
  });
});
