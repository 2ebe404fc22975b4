// Every number the step-through shows equals the engine's value for the same seed and weights;
// lesson URLs round-trip; steps reveal in order.
import { describe, expect, it } from 'vitest';
import { explainUpdate, lessonSource } from '../src/models/bandit/explain.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { clippedSigmoid } from '../src/models/units/bernoulli.ts';
import { sparseRow } from '../src/models/bandit/tinyNetwork.ts';
import { lessonNetwork, parseLesson, presetLesson, serializeLesson } from '../src/app/learn/model/lesson.ts';
import { PRESET_IDS, weightIndex } from '../src/app/learn/model/presets.ts';
import { buildSteps, revealedAt } from '../src/app/learn/model/steps.ts';
import { nodeNumbers, stepNumbers } from '../src/app/learn/model/shown.ts';
import { stepText } from '../src/app/learn/model/formulas.ts';
import { formatNumber } from '../src/app/learn/model/format.ts';
import type { BanditEstimator } from '../src/engine/types.ts';

function engineState(preset: (typeof PRESET_IDS)[number], seed: number) {
  const state = { ...presetLesson(preset), seed };
  const { problem, params } = lessonNetwork(state);
  const { sizes, hiddenValues } = problem.shape;
  const L = sizes.length - 2;
  const runOf = (estimator: BanditEstimator) => {
    const run = new BanditRun(params, estimator, 1);
    run.estimateGradients(sparseRow(problem.x), lessonSource(seed, L), { labels: [0], table: Float64Array.from(problem.rewards) });
    return { s: run.scratch, grad: params.tensors.flatMap((t) => Array.from(t.grad)) };
  };
  const reinforce = runOf('reinforce');
  const hnca = runOf('hnca');
  const s = hnca.s;
  const m = hiddenValues === 'pm1' ? 2 : 1;
  const delta = (l: number, j: number) => (s.sample[l][j] ? -m : m);
  const weight = (l: number, j: number, c: number) => params.weights[l + 1].value[j * sizes[l + 2] + c];
  const sampled = (p: number, phi: number) => (phi ? p : 1 - p);
  const softmax = (z: number[]) => {
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  const flippedZ = (l: number, j: number) => Array.from(s.outLogit.subarray(0, sizes[L + 1]), (z, k) => z + weight(l, j, k) * delta(l, j));
  const edgeProbs = (l: number, j: number, flipped: boolean): number[] =>
    l === L - 1
      ? [softmax(flipped ? flippedZ(l, j) : Array.from(s.outLogit.subarray(0, sizes[L + 1])))[s.action[0]]]
      : Array.from({ length: sizes[l + 2] }, (_, c) => sampled(clippedSigmoid(s.logit[l + 1][c] + (flipped ? weight(l, j, c) * delta(l, j) : 0)), s.sample[l + 1][c]));
  const q = (l: number, j: number, v: number) => edgeProbs(l, j, s.sample[l][j] !== v).reduce((a, b) => a * b, 1);
  const value = (key: string): number => {
    const [name, ...rest] = key.split('/');
    const [a, b, c] = rest.map(Number);
    switch (name) {
      case 'x': return problem.x[a];
      case 'logit': return s.logit[a][b];
      case 'prob': return s.prob[a][b];
      case 'sample': return s.sample[a][b];
      case 'z': return s.outLogit[a];
      case 'pi': return s.outProb[a];
      case 'action': return s.action[0] + 1;
      case 'reward': return s.reward[0];
      case 'R': return s.learningSignal[0];
      case 'delta': return delta(a, b);
      case 'flip': return s.logit[a + 1][c] + weight(a, b, c) * delta(a, b);
      case 'probActual': return edgeProbs(a, b, false)[c];
      case 'probFlipped': return edgeProbs(a, b, true)[c];
      case 'flipz': return flippedZ(a, b)[c];
      case 'piActual': return edgeProbs(a, b, false)[0];
      case 'piFlipped': return edgeProbs(a, b, true)[0];
      case 'q1': return q(a, b, 1);
      case 'q0': return q(a, b, 0);
      case 'rho1': return q(a, b, 1) / (s.prob[a][b] * q(a, b, 1) + (1 - s.prob[a][b]) * q(a, b, 0));
      case 'rho0': return q(a, b, 0) / (s.prob[a][b] * q(a, b, 1) + (1 - s.prob[a][b]) * q(a, b, 0));
      case 'credit': return s.credit[a][b];
      case 'hncaS': return s.signal[a][b];
      case 'reinforceS': return reinforce.s.signal[a][b];
      case 'w': return params.tensors.flatMap((t) => Array.from(t.value))[a];
      case 'gH': return hnca.grad[a];
      case 'gR': return reinforce.grad[a];
    }
    throw new Error(`no engine value for ${key}`);
  };
  return { state, problem, params, value };
}

describe.each(PRESET_IDS.flatMap((preset) => [1, 4].map((seed) => ({ preset, seed }))))('$preset seed $seed', ({ preset, seed }) => {
  it("every shown number equals the engine's value", () => {
    // the engine's BanditRun is evaluated *after* the trace, from the same parameters, so nothing is shared
    const lesson = lessonNetwork({ ...presetLesson(preset), seed });
    const sizes = lesson.problem.shape.sizes;
    const trace = explainUpdate(lesson.params, lesson.problem, lessonSource(seed, sizes.length - 2));
    const engine = engineState(preset, seed);
    const steps = buildSteps(sizes);
    let checked = 0;
    steps.forEach((step, index) => {
      const shown = [...stepNumbers(trace, sizes, step)];
      const r = revealedAt(steps, index);
      sizes.forEach((n, col) => {
        for (let i = 0; i < n; i++) shown.push(...nodeNumbers(trace, sizes, r, col, i));
      });
      for (const n of shown) {
        const expected = engine.value(n.key);
        expect(Math.abs(n.value - expected), n.key).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
        expect(n.integer).toBe(['x', 'sample', 'action', 'delta'].includes(n.key.split('/')[0]));
        expect(n.text).toBe(n.integer ? String(n.value).replace('-', '−') : formatNumber(n.value));
        expect(n.explain.length).toBeGreaterThan(20);
        checked++;
      }
      const text = stepText(trace, sizes, engine.state.weights, step);
      expect(text.title.length).toBeGreaterThan(3);
      expect(text.formula.length).toBeGreaterThan(3);
    });
    expect(checked).toBeGreaterThan(100);
  });
});

describe('steps', () => {
  it('walk forward, output, backward, gradients, revealing cumulatively', () => {
    const sizes = [4, 3, 3, 3];
    const steps = buildSteps(sizes);
    expect(steps.length).toBe(1 + 6 + 2 + 12 + 3);
    expect(steps[1]).toEqual({ kind: 'forward', layer: 0, unit: 0 });
    expect(steps[9]).toEqual({ kind: 'messages', layer: 1, unit: 0 });
    expect(steps.at(-1)).toEqual({ kind: 'gradients', k: 0 });
    const r = revealedAt(steps, 8);
    expect(r.forward.size).toBe(6);
    expect(r.action).toBe(true);
    expect(r.messages.size).toBe(0);
    expect(revealedAt(steps, steps.length - 1).credit.size).toBe(6);
  });
});

describe('lesson URL', () => {
  const count = (s: ReturnType<typeof presetLesson>) => buildSteps(lessonNetwork(s).problem.shape.sizes).length;
  it('round-trips preset, step, seed, edits and lab settings', () => {
    const state = { ...presetLesson('decider'), step: 7, seed: 42, view: 'lab' as const, hiddenValues: '01' as const, rewards: [0, 1, 0.25], labK: 500, labParam: 5, baseline: 0.25 };
    state.weights = state.weights.map((w, e) => (e === weightIndex([4, 3, 3, 3], 1, 2, 1) ? -1.2345 : w));
    state.edited = true;
    const { state: back, notices } = parseLesson(serializeLesson(state), count);
    expect(notices).toEqual([]);
    expect(back.weights.map((w) => Math.round(w * 1e4) / 1e4)).toEqual(state.weights.map((w) => Math.round(w * 1e4) / 1e4));
    expect({ ...back, weights: [] }).toEqual({ ...state, weights: [] });
  });
  it('falls back with notices on malformed values', () => {
    const { state, notices } = parseLesson('?preset=nope&step=999&seed=-3&w=1,2&x=1,1&values=x', count);
    expect(state).toEqual(presetLesson('default'));
    expect(notices.length).toBe(6);
  });
});

describe('dragging a weight', () => {
  it('moves 0.02 per pixel (up = larger) in 0.01 steps, within the limit', async () => {
    const { draggedWeight } = await import('../src/app/learn/model/lesson.ts');
    expect(draggedWeight(0.5, -50)).toBe(1.5);
    expect(draggedWeight(0.5, 10)).toBe(0.3);
    expect(draggedWeight(5.9, -100)).toBe(6);
    expect(draggedWeight(-5.9, 100)).toBe(-6);
  });
});

describe('lab series', () => {
  it('histograms share one domain containing the mark and count every sample', async () => {
    const { histograms, runningMeans, varianceRatio, zScore } = await import('../src/app/learn/model/labSeries.ts');
    const h = histograms([Float64Array.from([0, 1, 2, 3]), Float64Array.from([1, 1, 1])], 5, 10);
    expect(h.domain).toEqual([0, 5]);
    expect(h.bins[0].reduce((a, b) => a + b.count, 0)).toBe(4);
    expect(h.bins[1].find((b) => b.count === 3)?.x).toBeCloseTo(1.25, 12);
    const constant = histograms([new Float64Array(5)], 0);
    expect(constant.domain[1]).toBeGreaterThan(constant.domain[0]);
    const rows = runningMeans({ a: Float64Array.from([1, 3, 5, 7]) }, 2);
    expect(rows).toEqual([{ k: 2, a: 2 }, { k: 4, a: 4 }]);
    expect(varianceRatio(1, 4)).toBe(0.25);
    expect(varianceRatio(0, 0)).toBeNull();
    expect(zScore(1.3, 1, 0.1)).toBeCloseTo(3, 12);
    expect(zScore(0, 0, 0)).toBe(0);
    expect(zScore(3e-17, 1e-17, 1e-18)).toBe(0);
    expect(varianceRatio(1e-9, 1)).toBe(1e-4);
  });
});
