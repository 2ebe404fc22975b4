// Command-line flags on node:util's parseArgs: `--name value`, `--name=value`, repeatable
// flags, and typed readers whose errors are one line naming the flag and the accepted values.
// The FlagSpec lists (src/cli/options.ts) are the single source of both parsing and help.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A bad command line: main prints `hnca: <message>` on one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One flag of a command: what parseFlags accepts and what the help table prints. */
export interface FlagSpec {
  /** long name without dashes, e.g. "train-limit" */
  name: string;
  /** placeholder shown in help, e.g. "N" or "hnca|reinforce" */
  value: string;
  /** shown in help as "(default: …)" */
  defaultText: string;
  help: string;
  /** may be given several times; every value is kept, in order */
  repeatable?: boolean;
}

export interface ParsedFlags {
  /** flag name → the values given, in order */
  values: Map<string, string[]>;
  /** --help or -h was given */
  help: boolean;
  positionals: string[];
}

type ParseOptions = NonNullable<ParseArgsConfig['options']>;

/** parseArgs options of a spec list: every flag takes a string value; --help / -h is the one boolean. */
function parseOptions(specs: readonly FlagSpec[]): ParseOptions {
  const options: ParseOptions = { help: { type: 'boolean', short: 'h' } };
  for (const spec of specs) options[spec.name] = { type: 'string', multiple: spec.repeatable === true };
  return options;
}

/**
 * Parses `argv` (the arguments after the command) against `specs` with node:util's parseArgs.
 * parseArgs runs non-strict so that a value may start with one dash (`--width -5` then fails
 * the range check, naming the value, rather than parseArgs' "ambiguous" error); its tokens
 * are then checked here, each failure one line. `context` names the command, e.g. "hnca train".
 * @throws UsageError for an unknown flag, a flag without its value (at the end, or followed by
 * another `--flag`), a non-repeatable flag given twice, or a value given to --help.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], context: string): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const { values, positionals, tokens } = parseArgs({ args: [...argv], options: parseOptions(specs), strict: false, allowPositionals: true, tokens: true });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (token.name === 'help') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value (got '${token.value}')`);
      continue;
    }
    const spec = byName.get(token.name);
    if (spec === undefined || !token.rawName.startsWith('--')) {
      throw new UsageError(`unknown flag ${token.rawName} for ${context}; accepted: ${specs.map((s) => `--${s.name}`).join(', ')}, --help`);
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) throw new UsageError(`--${spec.name} needs a value: ${spec.value}`);
    if (seen.has(spec.name) && spec.repeatable !== true) throw new UsageError(`--${spec.name} given twice; give it once (${spec.value})`);
    seen.add(spec.name);
  }
  const parsed = new Map<string, string[]>();
  for (const spec of specs) {
    const value = values[spec.name];
    if (value === undefined) continue;
    parsed.set(spec.name, (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string'));
  }
  return { values: parsed, help: values.help === true, positionals };
}

/** The last value of a flag, or undefined when absent. */
export function raw(flags: ParsedFlags, name: string): string | undefined {
  const list = flags.values.get(name);
  return list === undefined ? undefined : list[list.length - 1];
}

/** True when the flag was given (any value). */
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

/**
 * An integer flag in [min, max], or `fallback` when absent.
 * @throws UsageError naming the flag, the range and the text given.
 */
export function readInt(flags: ParsedFlags, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw(flags, name);
  return text === undefined ? fallback : parseInteger(name, text, min, max);
}

/** An integer flag ≥ min, or undefined when absent. @throws UsageError as readInt. */
export function readOptionalInt(flags: ParsedFlags, name: string, min = 1): number | undefined {
  const text = raw(flags, name);
  return text === undefined ? undefined : parseInteger(name, text, min, Number.MAX_SAFE_INTEGER);
}

/** A positive finite number (e.g. a learning rate), or `fallback` when absent. @throws UsageError naming the flag and the text. */
export function readPositive(flags: ParsedFlags, name: string, fallback: number): number {
  const text = raw(flags, name);
  if (text === undefined) return fallback;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a number > 0, e.g. 1e-4 (got '${text}')`);
  return value;
}

/** One of `choices`, or `fallback` when absent. @throws UsageError listing the choices. */
export function readChoice<T extends string>(flags: ParsedFlags, name: string, choices: readonly T[], fallback: T): T {
  const text = raw(flags, name);
  if (text === undefined) return fallback;
  const found = choices.find((c) => c === text);
  if (found === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got '${text}')`);
  return found;
}

/** A comma-separated list of integers in [min, max], e.g. --hidden 1,2,3 (duplicates removed, order kept). @throws UsageError naming the bad item. */
export function readIntList(flags: ParsedFlags, name: string, fallback: number[], min: number, max: number): number[] {
  const text = raw(flags, name);
  if (text === undefined) return fallback;
  const items = text.split(',').map((t) => parseInteger(name, t, min, max));
  return [...new Set(items)];
}

/**
 * Every value of a repeatable flag, each possibly comma-separated, checked against `choices`;
 * `all` stands for every choice. Duplicates removed, order kept; `fallback` when absent.
 * @throws UsageError naming the unknown item, `context` (e.g. " for --task vae") and the choices.
 */
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

/** A non-empty string flag, or undefined when absent. @throws UsageError when empty. */
export function readString(flags: ParsedFlags, name: string): string | undefined {
  const text = raw(flags, name);
  if (text !== undefined && text.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return text;
}
