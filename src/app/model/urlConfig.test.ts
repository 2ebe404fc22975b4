import { describe, expect, it } from 'vitest';
import { banditConfigOf, defaultConfig } from '../../playground/config.ts';
import { PRESETS } from './presets.ts';
import { parseUrlConfig, serializeUrlConfig } from './urlConfig.ts';

describe('URL configuration', () => {
  it('gives the MNIST defaults for an empty query', () => {
    expect(parseUrlConfig('')).toEqual({ config: defaultConfig('mnist'), notices: [] });
  });

  it('round-trips a configuration', () => {
    const config = {
      ...defaultConfig('patterns'),
      hidden: 3,
      width: 32,
      lr: 0.003,
      optimizer: 'sgd' as const,
      hiddenValues: '01' as const,
      estimators: ['hnca-baseline' as const, 'reinforce' as const],
      seeds: 3,
      firstSeed: 42,
      engine: 'cpu' as const,
      hide: ['lr' as const, 'task' as const],
    };
    const query = serializeUrlConfig(config);
    const parsed = parseUrlConfig(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.config).toEqual({ ...config, hide: ['task', 'lr'] });
  });

  it('falls back to defaults with a notice for malformed and out-of-range values', () => {
    const parsed = parseUrlConfig('?task=mnist&hidden=9&lr=abc&batch=2.5&est=hnca,bogus&opt=rmsprop&zzz=1&width=64');
    const defaults = defaultConfig('mnist');
    expect(parsed.config).toEqual({ ...defaults, width: 64 });
    expect(parsed.notices).toHaveLength(6);
    expect(parsed.notices[0]).toContain('hidden="9"');
    expect(parsed.notices.join(' ')).toContain('unknown parameter "zzz"');
  });

  it('an unknown task falls back to MNIST', () => {
    const parsed = parseUrlConfig('?task=cifar');
    expect(parsed.config.task).toBe('mnist');
    expect(parsed.notices[0]).toContain('task="cifar"');
  });

  it('every preset is a valid URL configuration', () => {
    for (const preset of PRESETS) expect(parseUrlConfig(preset.query).notices).toEqual([]);
  });

  it('categorical units (DESIGN.md §7.1): units and n round-trip and reach the engine config; bad values fall back', () => {
    const parsed = parseUrlConfig('?task=patterns&units=categorical&n=6');
    expect(parsed.notices).toEqual([]);
    expect(parsed.config).toMatchObject({ units: 'categorical', categories: 6 });
    expect(parseUrlConfig(serializeUrlConfig(parsed.config)).config).toEqual(parsed.config);
    expect(banditConfigOf(parsed.config)).toMatchObject({ units: 'categorical', categories: 6 });
    expect(banditConfigOf(defaultConfig('patterns'))).not.toHaveProperty('units');
    const bad = parseUrlConfig('?units=softmax&n=1');
    expect(bad.config).toMatchObject({ units: 'bernoulli', categories: 4 });
    expect(bad.notices.join(' ')).toMatch(/units="softmax".*n="1"|n="1".*units="softmax"/);
  });
});
