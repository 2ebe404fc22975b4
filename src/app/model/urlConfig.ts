// The configuration in the URL query: shareable links and classroom presets.
// Malformed or out-of-range values fall back to the task's defaults with a notice.
import { BANDIT_ESTIMATORS, ENGINE_CHOICES, UNIT_KINDS, type BanditEstimator } from '../../engine/types.ts';
import {
  CONTROL_NAMES,
  RANGES,
  TASKS,
  defaultConfig,
  normalizeEstimators,
  type ControlName,
  type PlaygroundConfig,
  type Range,
  type TaskName,
} from '../../playground/config.ts';

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
  speed: 'speed',
  categories: 'n',
};

/** Page switches that are not part of the configuration (read by main.tsx). */
export const TEST_HOOKS_PARAM = 'test-hooks';

const KNOWN_PARAMS = new Set([...Object.values(NUMERIC_PARAMS), 'task', 'opt', 'values', 'units', 'est', 'engine', 'hide', TEST_HOOKS_PARAM]);

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
    const parsed = parseChoice(taskText, TASKS);
    if (parsed === null) ignore('task', taskText, `one of ${TASKS.join(', ')}`, task);
    else task = parsed;
  }
  const config = defaultConfig(task);

  for (const key of Object.keys(NUMERIC_PARAMS) as NumericKey[]) {
    const name = NUMERIC_PARAMS[key];
    const text = params.get(name);
    if (text === null) continue;
    const value = parseNumber(text, RANGES[key]);
    if (value === null) ignore(name, text, describeRange(RANGES[key]), String(config[key]));
    else config[key] = value;
  }

  const opt = params.get('opt');
  if (opt !== null) {
    const parsed = parseChoice(opt, ['adam', 'sgd'] as const);
    if (parsed === null) ignore('opt', opt, 'adam or sgd', config.optimizer);
    else config.optimizer = parsed;
  }
  const values = params.get('values');
  if (values !== null) {
    const parsed = parseChoice(values, ['pm1', '01'] as const);
    if (parsed === null) ignore('values', values, 'pm1 or 01', config.hiddenValues);
    else config.hiddenValues = parsed;
  }
  const units = params.get('units');
  if (units !== null) {
    const parsed = parseChoice(units, UNIT_KINDS);
    if (parsed === null) ignore('units', units, UNIT_KINDS.join(' or '), config.units);
    else config.units = parsed;
  }
  const est = params.get('est');
  if (est !== null) {
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
  for (const name of params.keys()) {
    if (!KNOWN_PARAMS.has(name)) notices.push(`Ignored unknown parameter ${JSON.stringify(name)}.`);
  }
  return { config, notices };
}

/** The query string (with "?") of a configuration: only values that differ from the task's defaults, plus the task. */
export function serializeUrlConfig(config: PlaygroundConfig): string {
  const defaults = defaultConfig(config.task);
  const params = new URLSearchParams();
  params.set('task', config.task);
  for (const key of Object.keys(NUMERIC_PARAMS) as NumericKey[]) {
    if (config[key] !== defaults[key]) params.set(NUMERIC_PARAMS[key], String(config[key]));
  }
  if (config.optimizer !== defaults.optimizer) params.set('opt', config.optimizer);
  if (config.hiddenValues !== defaults.hiddenValues) params.set('values', config.hiddenValues);
  if (config.units !== defaults.units) params.set('units', config.units);
  if (config.estimators.join(',') !== defaults.estimators.join(',')) params.set('est', config.estimators.join(','));
  if (config.engine !== defaults.engine) params.set('engine', config.engine);
  if (config.hide.length > 0) params.set('hide', config.hide.join(','));
  return `?${params.toString().replace(/%2C/g, ',')}`;
}
