// The configuration in the URL query: shareable links and classroom presets.
// Malformed or out-of-range values fall back to the task's defaults with a notice; a value the
// task cannot use as given (more test images than it has, a setting of the other task) says what is used instead.
import { BANDIT_ESTIMATORS, ENGINE_CHOICES, UNIT_KINDS, type BanditEstimator, type VaeEstimator } from '../../engine/types.ts';
import {
  CONTROL_NAMES,
  PLAYGROUND_VAE_ESTIMATORS,
  RANGES,
  TASKS,
  defaultConfig,
  isConvTask,
  isVaeTask,
  normalizeEstimators,
  normalizeVaeEstimators,
  type ControlName,
  type PlaygroundConfig,
  type Range,
  type TaskName,
  testSetSize,
} from '../../playground/config.ts';
import { TASK_LABELS } from './config.ts';

export interface ParsedUrlConfig {
  config: PlaygroundConfig;
  /** one line per ignored parameter, for the visible notice */
  notices: string[];
}

type NumericKey = keyof typeof RANGES;

/** URL parameter name of each numeric field. */
const NUMERIC_PARAMS: Record<NumericKey, string> = {
  hidden: 'hidden',
  width: 'width',
  batch: 'batch',
  lr: 'lr',
  seeds: 'seeds',
  firstSeed: 'seed',
  epochs: 'epochs',
  testImages: 'test',
  layers: 'layers',
  testK: 'k',
  speed: 'speed',
  categories: 'n',
};

/** Parameters of one kind of task only: the bandit's (MNIST, patterns) and the VAE's. */
const BANDIT_ONLY = new Set(['hidden', 'values', 'units', 'n']);
const VAE_ONLY = new Set(['layers', 'k']);
/** The bandit's parameters the conv bandit (docs/math.md §7.2: one Bernoulli layer after its trunk) has not. */
const NOT_CONV = new Set(['hidden', 'units', 'n']);

/** Whether the URL parameter `name` is a setting of `task` (the others are reported, not used). */
function usedBy(task: TaskName, name: string): boolean {
  if (isVaeTask(task)) return !BANDIT_ONLY.has(name);
  return !VAE_ONLY.has(name) && !(isConvTask(task) && NOT_CONV.has(name));
}

/** Page switches that are not part of the configuration (read by main.tsx). */
export const TEST_HOOKS_PARAM = 'test-hooks';

const KNOWN_PARAMS = new Set([...Object.values(NUMERIC_PARAMS), 'task', 'opt', 'values', 'units', 'est', 'engine', 'hide', 'paper', 'large', TEST_HOOKS_PARAM]);

/**
 * Task names people type for the tasks (the paper calls the first experiment "the bandit"):
 * accepted as the task they name, silently (a shared link reads `task=mnist`).
 */
const TASK_ALIASES: ReadonlyMap<string, TaskName> = new Map([
  ['bandit', 'mnist'],
  ['contextual-bandit', 'mnist'],
  ['mnist-bandit', 'mnist'],
  ['conv-bandit', 'conv'],
  ['discrete-vae', 'vae'],
]);

/** Display switches: `1` or `true` turns one on, `0` or `false` off. */
function parseSwitch(text: string): boolean | null {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  return null;
}

function parseNumber(text: string, range: Range): number | null {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text.trim())) return null;
  const value = Number(text);
  if (!Number.isFinite(value) || value < range.min || value > range.max) return null;
  if (range.integer && !Number.isInteger(value)) return null;
  // "-0" is 0 (found by the URL fuzz test: -0 would not survive serialize → parse)
  return value === 0 ? 0 : value;
}

function describeRange(range: Range): string {
  return `${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`;
}

function parseChoice<T extends string>(text: string, choices: readonly T[]): T | null {
  return (choices as readonly string[]).includes(text) ? (text as T) : null;
}

function parseList<T extends string>(text: string, choices: readonly T[]): T[] | null {
  const items = text.split(',').filter((s) => s.length > 0);
  const parsed = items.map((s) => parseChoice(s, choices));
  if (parsed.some((p) => p === null)) return null;
  return parsed as T[];
}

export function parseUrlConfig(search: string): ParsedUrlConfig {
  const params = new URLSearchParams(search);
  const notices: string[] = [];
  const ignore = (name: string, value: string, expected: string, fallback: string): void => {
    notices.push(`Ignored ${name}=${JSON.stringify(value)}: expected ${expected}; using ${fallback}.`);
  };

  const taskText = params.get('task');
  let task: TaskName = 'mnist';
  if (taskText !== null) {
    // a Map, not an object: `task=toString` must not find Object.prototype's function (fuzz counterexample)
    const parsed = parseChoice(taskText, TASKS) ?? TASK_ALIASES.get(taskText) ?? null;
    if (parsed === null) ignore('task', taskText, `one of ${TASKS.join(', ')}`, task);
    else task = parsed;
  }
  const config = defaultConfig(task);
  const notUsed = (name: string, text: string): void => {
    const instead = isVaeTask(task) ? (name === 'hidden' ? `; its depth is layers=${config.layers}` : '; its stochastic units take values 0/1') : '';
    notices.push(`Ignored ${name}=${JSON.stringify(text)}: not a setting of the ${TASK_LABELS[task]} task${instead}.`);
  };
  for (const [name, text] of params) if (!usedBy(task, name) && KNOWN_PARAMS.has(name)) notUsed(name, text);

  for (const key of Object.keys(NUMERIC_PARAMS) as NumericKey[]) {
    const name = NUMERIC_PARAMS[key];
    const text = params.get(name);
    if (text === null || !usedBy(task, name)) continue;
    const value = parseNumber(text, RANGES[key]);
    if (value === null) ignore(name, text, describeRange(RANGES[key]), String(config[key]));
    else config[key] = value;
  }

  // a value in range that the task cannot use as given: say what is used instead
  const testText = params.get(NUMERIC_PARAMS.testImages);
  if (testText !== null && config.testImages > testSetSize(task)) {
    notices.push(`Ignored ${NUMERIC_PARAMS.testImages}=${JSON.stringify(testText)}: the ${task} task has ${testSetSize(task)} test images; using all ${testSetSize(task)}.`);
    config.testImages = testSetSize(task);
  }

  const opt = params.get('opt');
  if (opt !== null) {
    const parsed = parseChoice(opt, ['adam', 'sgd'] as const);
    if (parsed === null) ignore('opt', opt, 'adam or sgd', config.optimizer);
    else config.optimizer = parsed;
  }
  const values = params.get('values');
  if (values !== null && usedBy(task, 'values')) {
    const parsed = parseChoice(values, ['pm1', '01'] as const);
    if (parsed === null) ignore('values', values, 'pm1 or 01', config.hiddenValues);
    else config.hiddenValues = parsed;
  }
  const units = params.get('units');
  if (units !== null && usedBy(task, 'units')) {
    const parsed = parseChoice(units, UNIT_KINDS);
    if (parsed === null) ignore('units', units, UNIT_KINDS.join(' or '), config.units);
    else config.units = parsed;
  }
  const est = params.get('est');
  if (est !== null && isVaeTask(task)) {
    const parsed = parseList<VaeEstimator>(est, PLAYGROUND_VAE_ESTIMATORS);
    if (parsed === null || parsed.length === 0) {
      ignore('est', est, `a comma-separated list of ${PLAYGROUND_VAE_ESTIMATORS.join(', ')}`, config.vaeEstimators.join(','));
    } else config.vaeEstimators = normalizeVaeEstimators(parsed);
  } else if (est !== null) {
    const parsed = parseList<BanditEstimator>(est, BANDIT_ESTIMATORS);
    if (parsed === null || parsed.length === 0) {
      ignore('est', est, `a comma-separated list of ${BANDIT_ESTIMATORS.join(', ')}`, config.estimators.join(','));
    } else config.estimators = normalizeEstimators(parsed);
  }
  const engine = params.get('engine');
  if (engine !== null) {
    const parsed = parseChoice(engine, ENGINE_CHOICES);
    if (parsed === null) ignore('engine', engine, 'auto, webgpu or cpu', config.engine);
    else config.engine = parsed;
  }
  const hide = params.get('hide');
  if (hide !== null) {
    const parsed = parseList<ControlName>(hide, CONTROL_NAMES);
    if (parsed === null) ignore('hide', hide, `a comma-separated list of ${CONTROL_NAMES.join(', ')}`, 'nothing hidden');
    else config.hide = CONTROL_NAMES.filter((c) => parsed.includes(c));
  }
  for (const [name, key] of [['paper', 'comparePaper'], ['large', 'largeType']] as const) {
    const text = params.get(name);
    if (text === null) continue;
    const on = parseSwitch(text);
    if (on === null) ignore(name, text, '1 or 0', config[key] ? '1' : '0');
    else config[key] = on;
  }
  for (const name of params.keys()) {
    if (!KNOWN_PARAMS.has(name)) notices.push(`Ignored unknown parameter ${JSON.stringify(name)}.`);
  }
  return { config, notices };
}

/**
 * The query string (with "?") of a configuration: the task, and only the values of that task's
 * settings that differ from its defaults (a VAE link carries no bandit setting, and back).
 */
export function serializeUrlConfig(config: PlaygroundConfig): string {
  const defaults = defaultConfig(config.task);
  const params = new URLSearchParams();
  params.set('task', config.task);
  for (const key of Object.keys(NUMERIC_PARAMS) as NumericKey[]) {
    const name = NUMERIC_PARAMS[key];
    if (config[key] !== defaults[key] && usedBy(config.task, name)) params.set(name, String(config[key]));
  }
  if (config.optimizer !== defaults.optimizer) params.set('opt', config.optimizer);
  if (config.hiddenValues !== defaults.hiddenValues && usedBy(config.task, 'values')) params.set('values', config.hiddenValues);
  if (config.units !== defaults.units && usedBy(config.task, 'units')) params.set('units', config.units);
  const estimators = isVaeTask(config.task) ? config.vaeEstimators : config.estimators;
  const defaultEstimators = isVaeTask(config.task) ? defaults.vaeEstimators : defaults.estimators;
  if (estimators.join(',') !== defaultEstimators.join(',')) params.set('est', estimators.join(','));
  if (config.engine !== defaults.engine) params.set('engine', config.engine);
  if (config.hide.length > 0) params.set('hide', config.hide.join(','));
  if (config.comparePaper !== defaults.comparePaper) params.set('paper', config.comparePaper ? '1' : '0');
  if (config.largeType !== defaults.largeType) params.set('large', config.largeType ? '1' : '0');
  return `?${params.toString().replace(/%2C/g, ',')}`;
}
