// The VAE lesson (f-HNCA, docs/math.md §3.1): every number it shows equals the engine's value
// (ExampleWork run here on the same draws, independently of the lesson's explain module), its
// per-child breakdowns add up to the engine's flip sums, the terms add up to the engine's logit
// gradient, and every estimator's gradient averaged over all 16 encoder samples equals the exact
// gradient (central differences of the enumerated ELBO, float64). URLs round-trip.
import { describe, expect, it } from 'vitest';
import { LOGIT_CLIP, rhoPair } from '../src/models/units/bernoulli.ts';
import { encoderConfigurations, exactMomentsVae, exactVae, FixedDraws, lessonBaselines, lessonDraws, VAE_LESSON_ESTIMATORS, explainVaeUpdate } from '../src/models/vae/explain.ts';
import { ExampleWork, VaeTables } from '../src/models/vae/estimators.ts';
import { encoderLogProb, forwardPass, PassState } from '../src/models/vae/forward.ts';
import { addExampleGradients } from '../src/models/vae/gradients.ts';
import { tensorSizes, type VaeParams } from '../src/models/vae/params.ts';
import type { VaeDraws } from '../src/models/vae/draws.ts';
import { parseVaeLesson, serializeVaeLesson, VAE_PARAM_COUNT, VAE_PRESET_IDS, VAE_STEPS, vaeLessonParams, vaePresetLesson } from '../src/app/learn/vae/lesson.ts';
import { vaeStepView } from '../src/app/learn/vae/shown.ts';
import type { Shown } from '../src/app/learn/model/shown.ts';

const close = (a: number, b: number, tol = 1e-12): void => {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};

function setInput(s: PassState, x: readonly number[]): void {
  const on = x.flatMap((v, j) => (v === 1 ? [j] : []));
  s.setInput(on, 0, on.length);
}

/** The engine run directly: one estimator, given draws and baselines. */
function engineRun(params: VaeParams, x: readonly number[], est: (typeof VAE_LESSON_ESTIMATORS)[number], draws: VaeDraws, b: Float64Array): { work: ExampleWork; grad: number[] } {
  const work = new ExampleWork(params.sizes);
  setInput(work.main, x);
  const tables = new VaeTables(params.sizes);
  tables.update(params);
  work.estimate(params, est, draws, tables, b);
  const grads = tensorSizes(params.shape).map((n) => new Float64Array(n));
  addExampleGradients(params, work, grads);
  return { work, grad: grads.flatMap((g) => Array.from(g)) };
}

/** E_q[f] by enumeration with the engine's forward pass. */
function exactElbo(params: VaeParams, x: readonly number[]): number {
  let sum = 0;
  for (const config of encoderConfigurations(params.sizes)) {
    const s = new PassState(params.sizes);
    setInput(s, x);
    const f = forwardPass(params, new FixedDraws(config), s);
    let lq = 0;
    for (let l = 1; l <= params.shape.layers; l++) lq += encoderLogProb(params, l, s);
    sum += Math.exp(lq) * f;
  }
  return sum;
}

function allShown(view: ReturnType<typeof vaeStepView>): Shown[] {
  return [...view.groups.flatMap((g) => g.numbers), ...view.tables.flatMap((t) => t.rows.flatMap((r) => r.cells))];
}

describe('VAE lesson numbers are the engine\'s', () => {
  for (const preset of VAE_PRESET_IDS) {
    for (const seed of [1, 7]) {
      for (const [layer, unit] of [
        [1, 0],
        [1, 1],
        [2, 0],
        [2, 1],
      ]) {
        it(`${preset}, seed ${seed}, unit h${layer}.${unit + 1}`, () => {
          const state = vaePresetLesson(preset);
          const params = vaeLessonParams(state);
          const { x } = state;
          const t = explainVaeUpdate(params, x, lessonDraws(params, seed), layer, unit);
          // the engine, run here on the same draws
          const exact = exactVae(params, x);
          const runs = Object.fromEntries(VAE_LESSON_ESTIMATORS.map((e) => [e, engineRun(params, x, e, lessonDraws(params, seed), lessonBaselines(exact, e))]));
          const w = runs.fhnca.work;
          const s = w.main;
          const values = new Map<string, number>();
          for (const step of VAE_STEPS) for (const n of allShown(vaeStepView(t, step))) values.set(n.key, n.value);
          const expected = new Map<string, number>();
          x.forEach((v, j) => expected.set(`x/${j}`, v));
          for (let l = 1; l <= 2; l++) {
            expected.set(`ent/${l}`, s.ent[l]);
            for (let i = 0; i < 2; i++) {
              expected.set(`u/${l}/${i}`, s.u[l][i]);
              expected.set(`p/${l}/${i}`, s.p[l][i]);
              expected.set(`phi/${l}/${i}`, s.phi[l][i]);
            }
          }
          for (let m = 0; m <= 2; m++) {
            expected.set(`dec/${m}`, s.dec[m]);
            for (let i = 0; i < params.sizes[m]; i++) expected.set(`P/${m}/${i}`, s.dp[m][i]);
          }
          expected.set('elbo', w.elbo);
          const phi = s.phi[layer][unit];
          const delta = 1 - 2 * phi;
          expected.set('delta', delta);
          expected.set('dn', w.dn[layer][unit]);
          const top = layer === 2;
          if (!top) {
            expected.set('dlq', w.dlq[layer][unit]);
            expected.set('dent', w.dent[layer][unit]);
          }
          const rho = new Float64Array([1, 1]);
          if (!top) rhoPair(s.p[layer][unit], s.q[layer][unit], -delta * w.dlq[layer][unit], rho);
          expected.set('rho1', rho[0]);
          expected.set('rho0', rho[1]);
          expected.set('R', w.furtherUp(layer));
          expected.set('F', runs.reinforce.work.downstream(layer));
          for (const e of VAE_LESSON_ESTIMATORS) {
            expected.set(`gu/${e}`, runs[e].work.encGrad[layer][unit]);
            runs[e].grad.forEach((g, k) => {
              if (values.has(`grad/${e}/${k}`)) expected.set(`grad/${e}/${k}`, g);
            });
          }
          runs.fhnca.grad.forEach((g, k) => {
            if (values.has(`grad/decoder/${k}`)) expected.set(`grad/decoder/${k}`, g);
          });
          for (let c = 0; c < params.sizes[layer - 1]; c++) {
            expected.set(`decoder/${c}/logit`, s.v[layer - 1][c]);
            expected.set(`decoder/${c}/value`, s.phi[layer - 1][c]);
            expected.set(`decoder/${c}/w`, params.decW[layer - 1][unit * params.sizes[layer - 1] + c]);
          }
          const moments = Object.fromEntries(VAE_LESSON_ESTIMATORS.map((e) => [e, exactMomentsVae(params, x, e, lessonBaselines(exact, e))]));
          const bias = layer === 1 ? 8 + unit : 14 + unit;
          for (const e of VAE_LESSON_ESTIMATORS) expected.set(`var/${e}`, moments[e].variance[bias]);
          for (let k = 0; k < 16; k++) expected.set(`exact/${k}`, moments.fhnca.mean[k]);
          for (const [key, v] of expected) {
            expect(values.has(key), `${key} shown`).toBe(true);
            close(values.get(key) ?? Number.NaN, v);
          }
          // every encoder gradient and every decoder gradient is on the gradients step
          for (const e of VAE_LESSON_ESTIMATORS) for (let k = 0; k < 16; k++) expect(values.has(`grad/${e}/${k}`), `grad/${e}/${k}`).toBe(true);
          for (let k = 16; k < VAE_PARAM_COUNT; k++) expect(values.has(`grad/decoder/${k}`)).toBe(true);
          // the per-child breakdown adds up to the engine's flip sums
          const sum = (key: (c: number) => string, n: number): number => Array.from({ length: n }, (_, c) => values.get(key(c)) ?? Number.NaN).reduce((a, b) => a + b, 0);
          close(sum((c) => `decoder/${c}/logProbFlip`, params.sizes[layer - 1]) - sum((c) => `decoder/${c}/logProb`, params.sizes[layer - 1]), w.dn[layer][unit], 1e-9);
          if (!top) {
            close(sum((c) => `encoder/${c}/logProbFlip`, 2) - sum((c) => `encoder/${c}/logProb`, 2), w.dlq[layer][unit], 1e-9);
            close(sum((c) => `encoder/${c}/entropyFlip`, 2) - sum((c) => `encoder/${c}/entropy`, 2), w.dent[layer][unit], 1e-9);
            close(Math.log(values.get('Q1') ?? 0) - Math.log(values.get('Q0') ?? 0), delta * w.dlq[layer][unit], 1e-9);
            // ρ from the shown products is the engine's ρ
            const q1 = values.get('Q1') ?? 0;
            const q0 = values.get('Q0') ?? 0;
            const p = s.p[layer][unit];
            close(q1 / (p * q1 + (1 - p) * q0), rho[0], 1e-9);
          }
          // terms 1–5 add up to the engine's logit gradient, with and without the baseline
          const direct = [1, 2, 3, 4].reduce((a, k) => a + (values.get(`term${k}`) ?? Number.NaN), 0);
          const pq = s.p[layer][unit] * s.q[layer][unit];
          close(pq * (direct + (values.get('term5') ?? Number.NaN)), runs.fhnca.work.encGrad[layer][unit], 1e-10);
          close(pq * (direct + (values.get('term5b') ?? Number.NaN)), runs['fhnca-baseline'].work.encGrad[layer][unit], 1e-10);
          // the baselines are the exact expectations of the engine's baseline targets
          let bF = 0;
          let bR = 0;
          for (const config of encoderConfigurations(params.sizes)) {
            const a = engineRun(params, x, 'fhnca', new FixedDraws(config), new Float64Array(3)).work;
            const r = engineRun(params, x, 'reinforce', new FixedDraws(config), new Float64Array(3)).work;
            const pr = Math.exp(encoderLogProb(params, 1, a.main) + encoderLogProb(params, 2, a.main));
            bF += pr * a.baselineTarget[layer];
            bR += pr * r.baselineTarget[layer];
          }
          close(values.get('b') ?? Number.NaN, bF, 1e-10);
          close(values.get('bF') ?? Number.NaN, bR, 1e-10);
        });
      }
    }
  }
});

describe('VAE lesson gradients are unbiased (exact enumeration)', () => {
  for (const preset of VAE_PRESET_IDS) {
    it(`${preset}: the mean over all 16 samples equals the exact gradient for every estimator`, () => {
      const state = vaePresetLesson(preset);
      const params = vaeLessonParams(state);
      const exact = exactVae(params, state.x);
      close(exact.elbo, exactElbo(params, state.x), 1e-12);
      // central differences of the enumerated ELBO, in float64
      const fd: number[] = [];
      const h = 1e-5;
      for (let k = 0; k < VAE_PARAM_COUNT; k++) {
        const plus = [...state.weights];
        const minus = [...state.weights];
        plus[k] += h;
        minus[k] -= h;
        fd.push((exactElbo(vaeLessonParams({ weights: plus }), state.x) - exactElbo(vaeLessonParams({ weights: minus }), state.x)) / (2 * h));
      }
      for (const e of VAE_LESSON_ESTIMATORS) {
        const { mean } = exactMomentsVae(params, state.x, e, lessonBaselines(exact, e));
        for (let k = 0; k < VAE_PARAM_COUNT; k++) expect(Math.abs(mean[k] - fd[k]), `${e} param ${k}`).toBeLessThan(1e-7);
      }
    });
  }
  it('f-HNCA has less variance than REINFORCE on every encoder parameter of every preset; the baseline changes nothing for top units', () => {
    for (const preset of VAE_PRESET_IDS) {
      const state = vaePresetLesson(preset);
      const params = vaeLessonParams(state);
      const exact = exactVae(params, state.x);
      const v = Object.fromEntries(VAE_LESSON_ESTIMATORS.map((e) => [e, exactMomentsVae(params, state.x, e, lessonBaselines(exact, e)).variance]));
      for (let k = 0; k < 16; k++) {
        if (v.reinforce[k] === 0) continue; // weight from a pixel that is 0
        expect(v.fhnca[k], `${preset} ${k}`).toBeLessThan(v.reinforce[k]);
        expect(v['fhnca-baseline'][k], `${preset} ${k}`).toBeLessThan(v['reinforce-baseline'][k]);
      }
      for (const k of [14, 15]) close(v.fhnca[k], v['fhnca-baseline'][k], 1e-12); // b2: top layer
    }
    // entropy-only: h2.1's bias gradient is exact in every sample
    const st = vaePresetLesson('entropy-only');
    const p = vaeLessonParams(st);
    expect(exactMomentsVae(p, st.x, 'fhnca', new Float64Array(3)).variance[14]).toBeLessThan(1e-20);
  });
});

describe('VAE lesson URLs', () => {
  it('round-trip and report malformed values', () => {
    const state = { ...vaePresetLesson('baseline'), step: 5, seed: 9, layer: 2, unit: 1, x: [0, 1, 1, 0], view: 'lab' as const, labK: 500, labParam: 3 };
    state.weights = state.weights.map((w, k) => (k === 4 ? 1.25 : w));
    state.edited = true;
    const q = serializeVaeLesson(state);
    expect(q).toContain('lesson=vae');
    expect(parseVaeLesson(q)).toEqual({ state, notices: [] });
    const bad = parseVaeLesson('?lesson=vae&preset=nope&step=99&unit=h3.1&x=1,2,0,0&w=1,2');
    expect(bad.state).toEqual(vaePresetLesson('default'));
    expect(bad.notices).toHaveLength(5);
    // an encoder weight beyond ±2.3 could reach the logit clip: refused with a notice
    const clipped = parseVaeLesson(`?lesson=vae&w=${[3, ...vaePresetLesson('default').weights.slice(1)].join(',')}`);
    expect(clipped.state.weights).toEqual(vaePresetLesson('default').weights);
    expect(clipped.notices[0]).toContain('±2.3');
    // every preset and the largest allowed encoder weights keep every encoder logit inside the clip
    for (const preset of VAE_PRESET_IDS) expect(vaePresetLesson(preset).weights.slice(0, 16).every((w) => Math.abs(w) <= 2.3)).toBe(true);
    expect(5 * 2.3).toBeLessThanOrEqual(LOGIT_CLIP);
  });
});
