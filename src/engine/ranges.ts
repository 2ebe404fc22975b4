// The one table of the numeric ranges every engine accepts (issue 22). validate.ts checks a
// config against it, the CLI's flags (src/cli/options.ts) parse with it and print it in --help,
// and the playground's ranges (src/playground/config.ts) are narrowed from it, never wider
// (tests/ranges.test.ts holds the three to it).
import { MAX_CATEGORIES, MAX_VAE_LAYERS, MIN_CATEGORIES } from './types.ts';

/** The accepted values of a numeric field: inclusive bounds, and whether only integers. */
export interface Range {
  min: number;
  max: number;
  integer: boolean;
}

/**
 * What every back end accepts, per config field (docs/math.md §2 bandit, §3 VAE, §7.1 categorical
 * units, §7.2 conv bandit): hidden layers, units per layer, VAE stochastic layers (the VAE's
 * random-stream tables hold MAX_VAE_LAYERS), categorical N, conv channels, the test bound's K,
 * seeds, the batch (also at most the training set, checked against the data), and the learning
 * rate (any positive finite number).
 */
export const ENGINE_RANGES = {
  hidden: { min: 1, max: 16, integer: true },
  width: { min: 1, max: 4096, integer: true },
  layers: { min: 1, max: MAX_VAE_LAYERS, integer: true },
  categories: { min: MIN_CATEGORIES, max: MAX_CATEGORIES, integer: true },
  channels: { min: 1, max: 64, integer: true },
  /** conv bandit: the gradient-variance metric measured on every n-th update (a metric point still needs a measured update) */
  varianceEvery: { min: 1, max: 1000, integer: true },
  testK: { min: 1, max: 1 << 20, integer: true },
  seed: { min: 0, max: 0xffffffff, integer: true },
  batch: { min: 1, max: 100000, integer: true },
  lr: { min: Number.MIN_VALUE, max: Number.MAX_VALUE, integer: false },
} as const satisfies Record<string, Range>;

/** A field of ENGINE_RANGES. */
export type RangedField = keyof typeof ENGINE_RANGES;

/** "1..16": a range as the help texts and error messages print it. */
export function rangeText(range: Range): string {
  return `${range.min}..${range.max}`;
}

/** Whether `value` lies in `range` (and is an integer where the range asks for one). */
export function inRange(range: Range, value: number): boolean {
  return Number.isFinite(value) && value >= range.min && value <= range.max && (!range.integer || Number.isInteger(value));
}

/**
 * A narrower range inside an engine range (e.g. the playground's hidden layers 1..5 inside 1..16).
 * @throws Error when the narrower range reaches outside the engine's
 */
export function narrowed(range: Range, bounds: { min?: number; max?: number }): Range {
  const out = { min: bounds.min ?? range.min, max: bounds.max ?? range.max, integer: range.integer };
  if (out.min < range.min || out.max > range.max || out.min > out.max) throw new Error(`range ${rangeText(out)} is not inside ${rangeText(range)}`);
  return out;
}
