// One range table (issue 22): the engine's validation, the CLI's flags and help, and the
// playground's ranges all read src/engine/ranges.ts, the playground's never wider.
import { describe, expect, it } from 'vitest';
import { ENGINE_RANGES, inRange, narrowed, rangeText } from '../src/engine/ranges.ts';
import { validateBanditConfig, validateConvBanditConfig, validateVaeConfig } from '../src/engine/validate.ts';
import { EngineError, type BanditConfig, type ConvBanditConfig, type VaeConfig } from '../src/engine/types.ts';
import { RANGES } from '../src/playground/config.ts';
import { MAIN_HELP } from '../src/cli/help.ts';
import { hnca } from './helpers/cliInProcess.ts';
import type { Dataset } from '../src/data/dataset.ts';

const data = { train: { count: 1_000_000 }, test: { count: 10 }, rows: 28, cols: 28 } as unknown as Dataset;
const bandit: BanditConfig = { task: 'bandit', hidden: 1, width: 8, hiddenValues: 'pm1', units: 'bernoulli', estimators: ['hnca'], seeds: [0], batch: 10, optimizer: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const vae: VaeConfig = { task: 'vae', layers: 1, width: 8, estimators: ['fhnca'], seeds: [0], batch: 10, testK: 5, optimizer: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const conv: ConvBanditConfig = { task: 'conv-bandit', convLayers: 1, channels: 4, width: 8, hiddenValues: 'pm1', estimators: ['hnca'], seeds: [0], batch: 10, optimizer: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** Whether the engine's validation accepts a config (false: an EngineError('config')). */
function accepts(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (error) {
    if (error instanceof EngineError && error.kind === 'config') return false;
    throw error;
  }
}

describe('the range table', () => {
  it('the engine validation accepts each field at its bounds and refuses one past them', () => {
    const cases: [keyof typeof ENGINE_RANGES, (v: number) => () => void][] = [
      ['hidden', (v) => () => validateBanditConfig({ ...bandit, hidden: v }, data)],
      ['width', (v) => () => validateBanditConfig({ ...bandit, width: v }, data)],
      ['categories', (v) => () => validateBanditConfig({ ...bandit, units: 'categorical', categories: v }, data)],
      ['seed', (v) => () => validateBanditConfig({ ...bandit, seeds: [v] }, data)],
      ['batch', (v) => () => validateBanditConfig({ ...bandit, batch: v }, data)],
      ['layers', (v) => () => validateVaeConfig({ ...vae, layers: v }, data)],
      ['testK', (v) => () => validateVaeConfig({ ...vae, testK: v }, data)],
      ['channels', (v) => () => validateConvBanditConfig({ ...conv, channels: v }, data)],
    ];
    for (const [field, check] of cases) {
      const { min, max } = ENGINE_RANGES[field];
      expect([accepts(check(min)), accepts(check(max)), accepts(check(min - 1)), accepts(check(max + 1)), accepts(check(min + 0.5))], field).toEqual([true, true, false, false, false]);
    }
  });

  it('the playground’s ranges lie inside the engine’s', () => {
    for (const field of ['hidden', 'width', 'batch', 'lr', 'layers', 'testK', 'categories'] as const) {
      expect(RANGES[field].min, field).toBeGreaterThanOrEqual(ENGINE_RANGES[field].min);
      expect(RANGES[field].max, field).toBeLessThanOrEqual(ENGINE_RANGES[field].max);
    }
    expect(RANGES.firstSeed.max).toBeLessThanOrEqual(ENGINE_RANGES.seed.max);
    expect(() => narrowed(ENGINE_RANGES.hidden, { max: 17 })).toThrow('range 1..17 is not inside 1..16');
    expect(inRange(ENGINE_RANGES.lr, 0)).toBe(false);
    expect(inRange(ENGINE_RANGES.lr, 1e-4)).toBe(true);
  });

  it('the CLI prints the table in --help and refuses one past it in one line naming the flag', async () => {
    expect(MAIN_HELP).toContain(`hidden layers (${rangeText(ENGINE_RANGES.hidden)})`);
    expect(MAIN_HELP).toContain(`stochastic layers (${rangeText(ENGINE_RANGES.layers)})`);
    expect(MAIN_HELP).toContain(`(${rangeText(ENGINE_RANGES.channels)})`);
    for (const [flag, field, extra] of [
      ['--hidden', 'hidden', []],
      ['--width', 'width', []],
      ['--layers', 'layers', ['--task', 'vae']],
      ['--channels', 'channels', ['--task', 'conv-bandit']],
    ] as const) {
      const r = await hnca(['train', ...extra, flag, String(ENGINE_RANGES[field].max + 1), '--out', '/nonexistent/x.json']);
      expect(r.status, flag).toBe(2);
      expect(r.stderr.trim().split('\n'), flag).toHaveLength(1);
      expect(r.stderr, flag).toContain(flag);
    }
  });
});
