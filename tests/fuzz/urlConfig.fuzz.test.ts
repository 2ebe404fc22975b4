// Property tests of the playground's URL parameters (issue 15): any query string gives a valid
// configuration and one visible notice per value it could not use; never an exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RANGES } from '../../src/playground/config.ts';
import { parseUrlConfig, serializeUrlConfig } from '../../src/app/model/urlConfig.ts';
import { fuzzRuns } from './runs.ts';

const KNOWN = ['task', 'hidden', 'width', 'batch', 'lr', 'seeds', 'seed', 'epochs', 'test', 'speed', 'opt', 'values', 'est', 'engine', 'hide', 'layers', 'k', 'paper', 'large'];

/** Values a person or a broken link might put in a parameter. */
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', '1e999', '-0', 'NaN', 'Infinity', '0x10', '１２', '1,2', 'hnca,,reinforce', 'hnca,bogus', 'mnist', 'patterns', 'vae', 'fhnca-baseline,disarm', 'cpu', 'pm1', '01', 'adam', 'true', 'bandit'),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
);
const name = fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 8 }));
const query = fc.array(fc.tuple(name, value), { maxLength: 8 }).map((pairs) => {
  const params = new URLSearchParams();
  for (const [k, v] of pairs) params.append(k, v);
  return `?${params.toString()}`;
});

function inRange(config: Record<string, unknown>): string[] {
  const bad: string[] = [];
  for (const [key, range] of Object.entries(RANGES)) {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < range.min || v > range.max || (range.integer && !Number.isInteger(v))) bad.push(`${key}=${String(v)}`);
  }
  return bad;
}

describe('playground URL parameters, fuzzed', () => {
  it('any query string gives an in-range configuration and never throws', () => {
    fc.assert(
      fc.property(query, (search) => {
        const { config, notices } = parseUrlConfig(search);
        expect(inRange(config as unknown as Record<string, unknown>)).toEqual([]);
        expect(config.estimators.length).toBeGreaterThan(0);
        for (const notice of notices) expect(notice).toMatch(/^Ignored /);
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('each parameter whose value is not used gets its own notice naming it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KNOWN.filter((k) => k !== 'task')), value, (key, text) => {
        const search = `?${new URLSearchParams([[key, text]]).toString()}`;
        const { config, notices } = parseUrlConfig(search);
        const again = parseUrlConfig(serializeUrlConfig(config));
        // a value is either used (it survives the round trip) or reported
        if (notices.length === 0) expect(again.notices).toEqual([]);
        else expect(notices.some((n) => n.startsWith(`Ignored ${key}=`))).toBe(true);
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('a valid value is applied: the configuration holds exactly what the URL gave, with no notice', () => {
    // URL name → configuration field (src/app/model/urlConfig.ts); `test` is capped by the task's test set (10 000 for MNIST: the range's top)
    const numeric: [string, keyof typeof RANGES][] = [['hidden', 'hidden'], ['width', 'width'], ['batch', 'batch'], ['lr', 'lr'], ['seeds', 'seeds'], ['seed', 'firstSeed'], ['epochs', 'epochs'], ['test', 'testImages'], ['layers', 'layers'], ['k', 'testK'], ['speed', 'speed'], ['n', 'categories']];
    const valid = fc.constantFrom(...numeric).chain(([name, field]) => {
      const range = RANGES[field];
      const number = range.integer ? fc.integer({ min: range.min, max: range.max }) : fc.double({ min: range.min, max: range.max, noNaN: true });
      return number.map((v) => ({ name, field, v }));
    });
    fc.assert(
      fc.property(valid, ({ name, field, v }) => {
        const task = name === 'layers' || name === 'k' ? 'vae' : 'mnist';
        const { config, notices } = parseUrlConfig(`?${new URLSearchParams([['task', task], [name, String(v)]]).toString()}`);
        expect(notices).toEqual([]);
        expect((config as unknown as Record<string, unknown>)[field]).toBe(v);
      }),
      { numRuns: fuzzRuns() },
    );
    for (const [name, text, field, want] of [['opt', 'sgd', 'optimizer', 'sgd'], ['values', '01', 'hiddenValues', '01'], ['est', 'hnca-baseline,reinforce', 'estimators', ['hnca-baseline', 'reinforce']]] as const) {
      const { config, notices } = parseUrlConfig(`?${name}=${text}`);
      expect(notices, name).toEqual([]);
      expect((config as unknown as Record<string, unknown>)[field], name).toEqual(want);
    }
  });

  it('a parsed configuration survives serialize → parse unchanged, with no notice', () => {
    fc.assert(
      fc.property(query, (search) => {
        const { config } = parseUrlConfig(search);
        const again = parseUrlConfig(serializeUrlConfig(config));
        expect(again.notices).toEqual([]);
        expect(again.config).toEqual(config);
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
