// The classroom's update trace agrees with the engine: per-edge counterfactual terms multiply
// to the engine's products and credit (1e-12), signals and gradients are the engine's, and the
// forward state matches the playground's inspection of the same seed.
import { describe, expect, it } from 'vitest';
import { explainUpdate, layerInput, lessonSource, unitSignal } from '../src/models/bandit/explain.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { traceExample } from '../src/models/bandit/trace.ts';
import { lessonNetwork, presetLesson } from '../src/app/learn/model/lesson.ts';
import { PRESET_IDS } from '../src/app/learn/model/presets.ts';
import { paramInfos } from '../src/app/learn/model/names.ts';
import type { HiddenValues } from '../src/engine/types.ts';

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const cases = PRESET_IDS.flatMap((preset) => (['pm1', '01'] as HiddenValues[]).flatMap((values) => [1, 2, 3, 7].map((seed) => ({ preset, values, seed }))));

describe.each(cases)('$preset, $values, seed $seed', ({ preset, values, seed }) => {
  const state = { ...presetLesson(preset), hiddenValues: values };
  const { problem, params } = lessonNetwork(state);
  const L = problem.shape.sizes.length - 2;
  const trace = explainUpdate(params, problem, lessonSource(seed, L));

  it('per-edge products give the engine credit; rho is normalised', () => {
    for (const layer of trace.units)
      for (const u of layer) {
        expect(close(u.credit, u.engineCredit)).toBe(true);
        expect(close(u.rho1 - u.rho0, u.engineCredit)).toBe(true);
        expect(u.prob * u.rho1 + (1 - u.prob) * u.rho0).toBeCloseTo(1, 12);
        // the unflipped side of every edge is the actual child probability
        for (const c of u.children) {
          if (c.kind === 'bernoulli') {
            const child = trace.units[u.layer + 1][c.child];
            expect(c.logit).toBe(child.logit);
            expect(c.childSample).toBe(child.sample);
            expect(c.flippedLogit).toBeCloseTo(c.logit + c.weight * u.delta, 12);
          } else {
            expect(close(c.probActual, trace.output.probs[trace.output.action])).toBe(true);
          }
        }
      }
  });

  it("products of actual children probabilities equal the engine's log Q", () => {
    if (L < 2) return expect(Number.isNaN(trace.engineLogQActual)).toBe(true);
    // the engine keeps log Q(actual) of the last Bernoulli-parent layer, L − 2
    for (const u of trace.units[L - 2]) {
      const actual = u.sample === 1 ? u.q1 : u.q0;
      expect(close(Math.log(actual), trace.engineLogQActual)).toBe(true);
    }
  });

  it("gradients are the engine's and equal S_i x_j", () => {
    const { sizes } = problem.shape;
    for (const info of paramInfos(sizes)) {
      const x = info.kind === 'bias' ? 1 : layerInput(trace, info.k, info.j);
      expect(close(trace.hncaGradient[info.index], unitSignal(trace, info.k, info.i, 'hnca') * x)).toBe(true);
      expect(close(trace.reinforceGradient[info.index], unitSignal(trace, info.k, info.i, 'reinforce') * x)).toBe(true);
    }
    const run = new BanditRun(params, 'hnca', 1);
    run.estimateGradients(
      { count: 1, width: sizes[0], onStart: Int32Array.from([0, problem.x.filter(Boolean).length]), onIndex: Int32Array.from(problem.x.flatMap((v, j) => (v ? [j] : []))) },
      lessonSource(seed, L),
      { labels: [0], table: Float64Array.from(problem.rewards) },
    );
    const flat = params.tensors.flatMap((t) => Array.from(t.grad));
    flat.forEach((g, e) => expect(trace.hncaGradient[e]).toBe(g));
  });

  it("forward state equals the playground's inspection for the same seed", () => {
    const inspected = traceExample(new BanditRun(params, 'hnca', 1), Uint8Array.from(problem.x), seed);
    trace.units.forEach((layer, l) =>
      layer.forEach((u, i) => {
        expect(Math.fround(u.prob)).toBe(inspected.probabilities[l][i]);
        expect(u.sample).toBe(inspected.samples[l][i]);
        expect(Math.fround(u.engineCredit)).toBe(inspected.credit[l][i]);
      }),
    );
  });
});

describe('zero-weights preset', () => {
  it('gives the unit with zero outgoing weights exactly zero HNCA credit and gradient, but REINFORCE noise', () => {
    const { problem, params } = lessonNetwork(presetLesson('zero-weights'));
    let reinforceNonzero = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const trace = explainUpdate(params, problem, lessonSource(seed, 2));
      const u = trace.units[0][1];
      expect(u.credit).toBe(0);
      // the engine sums logs on one side and takes the log of a product on the other: 1 ulp apart
      expect(Math.abs(u.engineCredit)).toBeLessThan(1e-15);
      expect(Math.abs(u.hncaSignal)).toBeLessThan(1e-15);
      if (u.reinforceSignal !== 0) reinforceNonzero++;
    }
    expect(reinforceNonzero).toBeGreaterThan(5);
  });
});
