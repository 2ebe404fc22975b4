// A lesson is a URL: preset, step, seed, and any edits (weights, rewards, input, ±1/0-1),
// plus the lab's settings. Malformed values fall back to the preset's with a notice.
import type { HiddenValues } from '../../../engine/types.ts';
import { BanditParameters } from '../../../models/bandit/parameters.ts';
import { assignValues, type TinyProblem } from '../../../models/bandit/tinyNetwork.ts';
import { flatSize, getPreset, isPresetId, type PresetId } from './presets.ts';

export type LearnView = 'step' | 'lab';

export interface LessonState {
  preset: PresetId;
  view: LearnView;
  step: number;
  seed: number;
  hiddenValues: HiddenValues;
  x: number[];
  rewards: number[];
  /** flat weights (engine tensor order) */
  weights: number[];
  /** true once the weights differ from the preset's (then they go into the URL) */
  edited: boolean;
  /** lab: samples per estimator, flat index of the chosen parameter, samples per frame, baseline b */
  labK: number;
  labParam: number;
  labSpeed: number;
  baseline: number;
}

export const LAB_K_MAX = 5000;
export const LAB_SPEEDS = [1, 5, 25, 100, 500] as const;
export const WEIGHT_LIMIT = 6;
/** the largest seed a lesson takes (the URL's and the seed field's bound) */
export const SEED_MAX = 2 ** 31 - 1;
/** rewards r(a) and the lab's baseline b lie in ±this (the URL's and the fields' bound) */
export const REWARD_LIMIT = 100;

/** The lesson's number fields: what each accepts (src/app/components/NumberField.tsx). */
export const LESSON_RANGES = {
  seed: { min: 0, max: SEED_MAX, integer: true },
  reward: { min: -REWARD_LIMIT, max: REWARD_LIMIT, integer: false },
  weight: { min: -WEIGHT_LIMIT, max: WEIGHT_LIMIT, integer: false },
  labK: { min: 10, max: LAB_K_MAX, integer: true },
  baseline: { min: -REWARD_LIMIT, max: REWARD_LIMIT, integer: false },
} as const;

export function presetLesson(id: PresetId): LessonState {
  const p = getPreset(id);
  return {
    preset: id,
    view: 'step',
    step: 0,
    seed: 1,
    hiddenValues: p.hiddenValues,
    x: [...p.x],
    rewards: [...p.rewards],
    weights: [...p.weights],
    edited: false,
    labK: 2000,
    labParam: 0,
    labSpeed: 25,
    baseline: 0.5,
  };
}

/** A comma-separated list of `length` finite numbers that pass `ok`, or null. */
export function parseList(text: string, length: number, ok: (v: number) => boolean): number[] | null {
  const parts = text.split(',');
  if (parts.length !== length) return null;
  const values = parts.map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  return values.every((v) => Number.isFinite(v) && ok(v)) ? values : null;
}

/** A whole number in [min, max], or null. */
export function parseInteger(text: string, min: number, max: number): number | null {
  if (!/^-?\d+$/.test(text)) return null;
  const v = Number(text);
  return v >= min && v <= max ? v : null;
}

/** read(key, apply, what): applies the URL value of `key` if present; a value `apply` rejects adds the notice "Ignored key=value: what." */
export function queryReader(q: URLSearchParams, notices: string[]): (key: string, apply: (text: string) => boolean, what: string) => void {
  return (key, apply, what) => {
    const text = q.get(key);
    if (text !== null && !apply(text)) notices.push(`Ignored ${key}=${text}: ${what}.`);
  };
}

/**
 * The `preset` of a lesson URL: a known id, or `fallback` with a notice naming what is shown
 * instead (both lessons read their presets this way).
 */
export function queryPreset<Id extends string>(q: URLSearchParams, notices: string[], isId: (text: string) => text is Id, fallback: Id, shown: string): Id {
  const text = q.get('preset');
  if (text === null) return fallback;
  if (isId(text)) return text;
  notices.push(`Unknown preset "${text}"; showing ${shown}.`);
  return fallback;
}

/** Reads a lesson from a query string; `stepCount` bounds the step. */
export function parseLesson(search: string, stepCount: (state: LessonState) => number): { state: LessonState; notices: string[] } {
  const q = new URLSearchParams(search);
  const notices: string[] = [];
  const preset = queryPreset(q, notices, isPresetId, 'default', 'the default lesson');
  const state = presetLesson(preset);
  const sizes = getPreset(preset).sizes;
  const read = queryReader(q, notices);
  read('view', (t) => (t === 'step' || t === 'lab' ? ((state.view = t), true) : false), 'expected step or lab');
  read('seed', (t) => {
    const v = parseInteger(t, 0, SEED_MAX);
    return v === null ? false : ((state.seed = v), true);
  }, 'expected a whole number ≥ 0');
  read('values', (t) => (t === 'pm1' || t === '01' ? ((state.hiddenValues = t), true) : false), 'expected pm1 or 01');
  read('x', (t) => {
    const v = parseList(t, sizes[0], (n) => n === 0 || n === 1);
    return v === null ? false : ((state.x = v), true);
  }, `expected ${sizes[0]} values 0 or 1`);
  read('r', (t) => {
    const v = parseList(t, sizes[sizes.length - 1], (n) => Math.abs(n) <= REWARD_LIMIT);
    return v === null ? false : ((state.rewards = v), true);
  }, `expected ${sizes[sizes.length - 1]} rewards`);
  read('w', (t) => {
    const v = parseList(t, flatSize(sizes), (n) => Math.abs(n) <= WEIGHT_LIMIT);
    return v === null ? false : ((state.weights = v), (state.edited = true), true);
  }, `expected ${flatSize(sizes)} weights in ±${WEIGHT_LIMIT}`);
  read('k', (t) => {
    const v = parseInteger(t, 10, LAB_K_MAX);
    return v === null ? false : ((state.labK = v), true);
  }, `expected 10 … ${LAB_K_MAX}`);
  read('param', (t) => {
    const v = parseInteger(t, 0, flatSize(sizes) - 1);
    return v === null ? false : ((state.labParam = v), true);
  }, 'no such parameter');
  read('speed', (t) => {
    const v = parseInteger(t, 1, 1000);
    return v === null ? false : ((state.labSpeed = v), true);
  }, 'expected 1 … 1000');
  read('b', (t) => {
    const v = Number(t);
    return t.trim() !== '' && Number.isFinite(v) && Math.abs(v) <= REWARD_LIMIT ? ((state.baseline = v), true) : false;
  }, 'expected a number');
  read('step', (t) => {
    const v = parseInteger(t, 0, stepCount(state) - 1);
    return v === null ? false : ((state.step = v), true);
  }, `expected 0 … ${stepCount(state) - 1}`);
  return { state, notices };
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** The query string of a lesson: only what differs from the preset's defaults. */
export function serializeLesson(state: LessonState): string {
  const base = presetLesson(state.preset);
  const q = new URLSearchParams();
  q.set('preset', state.preset);
  if (state.view !== base.view) q.set('view', state.view);
  q.set('step', String(state.step));
  q.set('seed', String(state.seed));
  if (state.hiddenValues !== base.hiddenValues) q.set('values', state.hiddenValues);
  if (!sameList(state.x, base.x)) q.set('x', state.x.join(','));
  if (!sameList(state.rewards, base.rewards)) q.set('r', state.rewards.join(','));
  if (state.edited) q.set('w', state.weights.map((v) => String(Math.round(v * 1e4) / 1e4)).join(','));
  if (state.labK !== base.labK) q.set('k', String(state.labK));
  if (state.labParam !== base.labParam) q.set('param', String(state.labParam));
  if (state.labSpeed !== base.labSpeed) q.set('speed', String(state.labSpeed));
  if (state.baseline !== base.baseline) q.set('b', String(state.baseline));
  return `?${q.toString()}`;
}

/** The network of a lesson: the engine's parameters (float32) and the tiny problem. */
export function lessonNetwork(state: LessonState): { problem: TinyProblem; params: BanditParameters } {
  const sizes = getPreset(state.preset).sizes;
  const problem: TinyProblem = { shape: { sizes: [...sizes], hiddenValues: state.hiddenValues }, x: [...state.x], rewards: [...state.rewards] };
  const params = new BanditParameters(problem.shape);
  assignValues(params, state.weights);
  return { problem, params };
}

/** Weight after dragging its edge `dy` screen pixels (up = larger): 0.02 per pixel, 0.01 steps, within ±WEIGHT_LIMIT. */
export function draggedWeight(start: number, dy: number): number {
  const w = Math.round((start - dy * 0.02) * 100) / 100;
  return Math.max(-WEIGHT_LIMIT, Math.min(WEIGHT_LIMIT, w));
}
