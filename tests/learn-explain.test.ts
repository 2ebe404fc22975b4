// The classroom's update trace (src/models/bandit/explain.ts) against an independent float64
// calculation from the formulas of docs/math.md §2 — forward probabilities, the softmax, HNCA's
// hindsight ratios rho(v) = Q(v) / (p Q(1) + (1 − p) Q(0)) from the children's probabilities,
// both estimators' signals and every gradient entry — written here from the formulas, not through
// the engine (explainUpdate's gradients come from BanditRun: comparing those two would test the
// engine against itself). Given: the parameters, x, rewards, and the trace's sampled hidden values
// and action (the only random inputs). Also: the trace's per-edge messages multiply to its credit,
// and its forward state equals the playground's inspection (src/models/bandit/trace.ts, another
// code path) for the same seed. One test per preset and value kind, over four seeds.
import { describe, expect, it } from 'vitest';
import { explainUpdate, lessonSource, type UpdateTrace } from '../src/models/bandit/explain.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import type { BanditParameters } from '../src/models/bandit/parameters.ts';
import type { TinyProblem } from '../src/models/bandit/tinyNetwork.ts';
import { traceExample } from '../src/models/bandit/trace.ts';
import { lessonNetwork, presetLesson } from '../src/app/learn/model/lesson.ts';
import { PRESET_IDS } from '../src/app/learn/model/presets.ts';
import type { HiddenValues } from '../src/engine/types.ts';

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const SEEDS = [1, 2, 3, 7];
const cases = PRESET_IDS.flatMap((preset) => (['pm1', '01'] as HiddenValues[]).map((values) => ({ preset, values })));

/** Float64 reference of one update from the formulas (docs/math.md §2); p clipped to [1e-5, 1 − 1e-5] as the model's units. */
function reference(params: BanditParameters, problem: TinyProblem, samples: number[][], action: number, baseline: number) {
  const { sizes, hiddenValues } = problem.shape;
  const L = sizes.length - 2;
  const value = (phi: number) => (hiddenValues === 'pm1' ? 2 * phi - 1 : phi);
  const sigmoid = (z: number) => Math.min(Math.max(1 / (1 + Math.exp(-z)), 1e-5), 1 - 1e-5);
  const W = (k: number, j: number, i: number) => params.tensors[2 * k].value[j * sizes[k + 1] + i];
  const b = (k: number, i: number) => params.tensors[2 * k + 1].value[i];
  const logitsOf = (k: number, input: number[]) => Array.from({ length: sizes[k + 1] }, (_, i) => input.reduce((acc, v, j) => acc + v * W(k, j, i), b(k, i)));
  const softmax = (z: number[]) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, c) => a + c, 0);
    return e.map((v) => v / sum);
  };
  // forward, given the samples
  const inputs: number[][] = [problem.x.map(Number)];
  const probs: number[][] = [];
  for (let l = 0; l < L; l++) {
    probs.push(logitsOf(l, inputs[l]).map(sigmoid));
    inputs.push(samples[l].map(value));
  }
  const pi = softmax(logitsOf(L, inputs[L]));
  const R = problem.rewards[action] - baseline;
  // Q(v): probability of the unit's children's actual outcomes with unit i of layer l set to v
  const childProb = (l: number, i: number, v: number) => {
    const input = [...inputs[l + 1]];
    input[i] = value(v);
    if (l === L - 1) return softmax(logitsOf(L, input))[action];
    return logitsOf(l + 1, input).map(sigmoid).reduce((acc, p, c) => acc * (samples[l + 1][c] === 1 ? p : 1 - p), 1);
  };
  const credit: number[][] = [];
  const hnca: number[][] = [];
  const reinforce: number[][] = [];
  for (let l = 0; l < L; l++) {
    credit.push([]);
    hnca.push([]);
    reinforce.push([]);
    probs[l].forEach((p, i) => {
      const [q0, q1] = [childProb(l, i, 0), childProb(l, i, 1)];
      const qBar = p * q1 + (1 - p) * q0;
      credit[l].push((q1 - q0) / qBar);
      hnca[l].push(R * p * (1 - p) * ((q1 - q0) / qBar));
      reinforce[l].push(R * (samples[l][i] - p));
    });
  }
  const outSignal = pi.map((p, a) => R * ((a === action ? 1 : 0) - p));
  const gradient = (signals: number[][]) => {
    const flat: number[] = [];
    for (let k = 0; k <= L; k++) {
      const s = k < L ? signals[k] : outSignal;
      for (let j = 0; j < sizes[k]; j++) for (let i = 0; i < sizes[k + 1]; i++) flat.push(s[i] * inputs[k][j]);
      flat.push(...s);
    }
    return flat;
  };
  return { probs, pi, credit, hncaGradient: gradient(hnca), reinforceGradient: gradient(reinforce) };
}

describe.each(cases)('$preset, $values', ({ preset, values }) => {
  const state = { ...presetLesson(preset), hiddenValues: values };
  const { problem, params } = lessonNetwork(state);
  const L = problem.shape.sizes.length - 2;
  const traces: [number, UpdateTrace][] = SEEDS.map((seed) => [seed, explainUpdate(params, problem, lessonSource(seed, L), 0.25)]);

  it('every probability, credit and gradient entry equals the float64 calculation from the formulas', () => {
    let nonzero = 0;
    for (const [, trace] of traces) {
      const ref = reference(params, problem, trace.units.map((layer) => layer.map((u) => u.sample)), trace.output.action, trace.baseline);
      trace.units.forEach((layer, l) =>
        layer.forEach((u, i) => {
          expect(u.prob).toBeCloseTo(ref.probs[l][i], 9);
          expect(u.credit).toBeCloseTo(ref.credit[l][i], 9);
          expect(u.engineCredit).toBeCloseTo(ref.credit[l][i], 9);
        }),
      );
      trace.output.probs.forEach((p, a) => expect(p).toBeCloseTo(ref.pi[a], 9));
      ref.hncaGradient.forEach((g, e) => expect(trace.hncaGradient[e], `HNCA gradient ${e}`).toBeCloseTo(g, 9));
      ref.reinforceGradient.forEach((g, e) => expect(trace.reinforceGradient[e], `REINFORCE gradient ${e}`).toBeCloseTo(g, 9));
      nonzero += ref.reinforceGradient.filter((g) => Math.abs(g) > 1e-6).length;
    }
    // the comparison has something to compare
    expect(nonzero).toBeGreaterThan(0);
  });

  it('per-edge messages multiply to the credit; rho is normalised; the actual children probabilities give log Q', () => {
    for (const [, trace] of traces) {
      for (const layer of trace.units)
        for (const u of layer) {
          expect(close(u.credit, u.engineCredit)).toBe(true);
          expect(close(u.rho1 - u.rho0, u.engineCredit)).toBe(true);
          expect(u.prob * u.rho1 + (1 - u.prob) * u.rho0).toBeCloseTo(1, 12);
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
      if (L < 2) expect(Number.isNaN(trace.engineLogQActual)).toBe(true);
      else for (const u of trace.units[L - 2]) expect(close(Math.log(u.sample === 1 ? u.q1 : u.q0), trace.engineLogQActual)).toBe(true);
    }
  });

  it("forward state equals the playground's inspection for the same seed", () => {
    for (const [seed, trace] of traces) {
      const inspected = traceExample(new BanditRun(params, 'hnca', 1), Uint8Array.from(problem.x), seed);
      trace.units.forEach((layer, l) =>
        layer.forEach((u, i) => {
          expect(Math.fround(u.prob)).toBe(inspected.probabilities[l][i]);
          expect(u.sample).toBe(inspected.samples[l][i]);
          expect(Math.fround(u.engineCredit)).toBe(inspected.credit[l][i]);
        }),
      );
    }
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
