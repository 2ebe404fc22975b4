// Composes the WGSL sources: each kernel file is prefixed with the shared declarations it uses
// (string concatenation; the sources are injected, see shaderSources.browser.ts and
// src/node/shaderSources.ts).
import { EngineError } from '../types.ts';

export const KERNEL_NAMES = [
  'binarize_minibatch',
  'affine_logits',
  'bernoulli_sample',
  'softmax_action_reward',
  'bernoulli_children_credit',
  'softmax_child_credit',
  'learning_signals',
  'weight_gradient',
  'gradient_variance',
  'adam_ascent',
  'baseline_and_counters',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

const COMMON = ['rng.wgsl', 'bandit_common.wgsl'];
/** Bernoulli unit math (src/models/units/bernoulli.ts's twin) and the log1p/expm1 it needs */
const UNITS = [...COMMON, 'precise_math.wgsl', 'bernoulli_units.wgsl'];

const INCLUDES: Record<KernelName, string[]> = {
  binarize_minibatch: COMMON,
  affine_logits: COMMON,
  bernoulli_sample: UNITS,
  softmax_action_reward: COMMON,
  bernoulli_children_credit: UNITS,
  softmax_child_credit: UNITS,
  learning_signals: UNITS,
  weight_gradient: COMMON,
  gradient_variance: COMMON,
  adam_ascent: COMMON,
  baseline_and_counters: [...COMMON, 'baseline.wgsl'],
};

/** Accepts keys "name.wgsl" or paths ending in it ("../../../shaders/name.wgsl"). */
export function normalizeSources(shaders: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, text] of Object.entries(shaders)) out.set(key.slice(key.lastIndexOf('/') + 1), text);
  return out;
}

function source(files: Map<string, string>, name: string): string {
  const text = files.get(name);
  if (text === undefined) throw new EngineError(`WebGPU engine: shader source ${name} was not supplied (have: ${[...files.keys()].join(', ') || 'none'})`, 'internal');
  return text;
}

export function composeKernel(files: Map<string, string>, kernel: KernelName): string {
  return [...INCLUDES[kernel], `${kernel}.wgsl`].map((f) => `// ---- ${f}\n${source(files, f)}`).join('\n');
}
