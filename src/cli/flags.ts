// A small command-line flag parser: `--name value`, `--name=value`, repeatable flags,
// and typed readers whose errors are one line naming the flag and the accepted values.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  name: string;
  /** placeholder shown in help, e.g. "N" or "hnca|reinforce" */
  value: string;
  /** shown in help as "(default: …)" */
  defaultText: string;
  help: string;
  repeatable?: boolean;
}

export interface ParsedFlags {
  /** flag name → the values given, in order */
  values: Map<string, string[]>;
  help: boolean;
  positionals: string[];
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], context: string): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1);
    const spec = byName.get(name);
    if (!spec) {
      throw new UsageError(`unknown flag ${arg.slice(0, eq < 0 ? undefined : eq)} for ${context}; accepted: ${specs.map((s) => `--${s.name}`).join(', ')}, --help`);
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`--${name} needs a value: ${spec.value}`);
      value = argv[++i];
    }
    const list = values.get(name);
    if (list && !spec.repeatable) throw new UsageError(`--${name} given twice; give it once (${spec.value})`);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  return { values, help, positionals };
}

/** The last value of a flag, or undefined when absent. */
export function raw(flags: ParsedFlags, name: string): string | undefined {
  const list = flags.values.get(name);
  return list === undefined ? undefined : list[list.length - 1];
}

export function has(flags: ParsedFlags, name: string): boolean {
  return flags.values.has(name);
}

function parseInteger(name: string, text: string, min: number, max: number): number {
  const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${range} (got '${text}')`);
  }
  return value;
}

export function readInt(flags: ParsedFlags, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw(flags, name);
  return text === undefined ? fallback : parseInteger(name, text, min, max);
}

export function readOptionalInt(flags: ParsedFlags, name: string, min = 1): number | undefined {
  const text = raw(flags, name);
  return text === undefined ? undefined : parseInteger(name, text, min, Number.MAX_SAFE_INTEGER);
}

/** A positive finite number (e.g. a learning rate). */
export function readPositive(flags: ParsedFlags, name: string, fallback: number): number {
  const text = raw(flags, name);
  if (text === undefined) return fallback;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a number > 0, e.g. 1e-4 (got '${text}')`);
  return value;
}

export function readChoice<T extends string>(flags: ParsedFlags, name: string, choices: readonly T[], fallback: T): T {
  const text = raw(flags, name);
  if (text === undefined) return fallback;
  const found = choices.find((c) => c === text);
  if (found === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got '${text}')`);
  return found;
}

/** A comma-separated list of integers, e.g. --hidden 1,2,3 (duplicates removed, order kept). */
export function readIntList(flags: ParsedFlags, name: string, fallback: number[], min: number, max: number): number[] {
  const text = raw(flags, name);
  if (text === undefined) return fallback;
  const items = text.split(',').map((t) => parseInteger(name, t, min, max));
  return [...new Set(items)];
}

/** Every value of a repeatable flag, each possibly comma-separated, checked against `choices`. */
export function readChoiceList<T extends string>(
  flags: ParsedFlags,
  name: string,
  choices: readonly T[],
  fallback: readonly T[],
  context: string,
): T[] {
  const list = flags.values.get(name);
  if (list === undefined) return [...fallback];
  const out: T[] = [];
  for (const item of list.flatMap((v) => v.split(','))) {
    if (item === 'all') {
      for (const c of choices) if (!out.includes(c)) out.push(c);
      continue;
    }
    const found = choices.find((c) => c === item);
    if (found === undefined) {
      throw new UsageError(`--${name}: unknown value '${item}'${context}; accepted: ${choices.join(', ')}, all`);
    }
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

export function readString(flags: ParsedFlags, name: string): string | undefined {
  const text = raw(flags, name);
  if (text !== undefined && text.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return text;
}
