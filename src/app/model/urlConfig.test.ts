import { describe, expect, it } from 'vitest';
import { banditConfigOf, defaultConfig, engineConfigOf, varianceLayersOf } from '../../playground/config.ts';
import { banditLayerNames } from './config.ts';
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

  it('a test-set size the task does not have says what is used (patterns: 400 images)', () => {
    const parsed = parseUrlConfig('?task=patterns&test=10000');
    expect(parsed.config.testImages).toBe(400);
    expect(parsed.notices).toEqual(['Ignored test="10000": the patterns task has 400 test images; using all 400.']);
    expect(parseUrlConfig('?task=mnist&test=10000').notices).toEqual([]);
    expect(parseUrlConfig('?task=patterns&test=300').config.testImages).toBe(300);
  });

  it('an unknown task falls back to MNIST', () => {
    const parsed = parseUrlConfig('?task=cifar');
    expect(parsed.config.task).toBe('mnist');
    expect(parsed.notices[0]).toContain('task="cifar"');
  });

  it("a task named like an object's built-in property (toString, constructor, __proto__) is unknown too (a fuzz counterexample)", () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const parsed = parseUrlConfig(`?task=${name}`);
      expect(parsed.config.task).toBe('mnist');
      expect(parsed.notices).toEqual([`Ignored task="${name}": expected one of mnist, patterns, vae, conv; using mnist.`]);
    }
  });

  it('every preset is a valid URL configuration', () => {
    for (const preset of PRESETS) expect(parseUrlConfig(preset.query).notices).toEqual([]);
  });

  it('the Figure 3 preset opens the VAE, two layers, with the paper’s six estimators and its orderings', () => {
    const preset = PRESETS.find((p) => p.name.startsWith('Paper: Figure 3'));
    const { config } = parseUrlConfig(preset?.query ?? '');
    expect(config.task).toBe('vae');
    expect(config.layers).toBe(2);
    expect(config.vaeEstimators).toEqual(['fhnca', 'fhnca-baseline', 'reinforce', 'reinforce-baseline', 'reinforce-loo', 'disarm']);
    expect(config.comparePaper).toBe(true);
  });

  it('round-trips a Discrete VAE configuration (layers, K, estimators with an appendix-K ablation)', () => {
    const config = {
      ...defaultConfig('vae'),
      layers: 3,
      width: 64,
      batch: 20,
      lr: 0.0005,
      testK: 50,
      testImages: 100,
      vaeEstimators: ['fhnca-baseline' as const, 'fhnca-baseline-full-reward' as const, 'disarm' as const],
      seeds: 3,
      engine: 'webgpu' as const,
    };
    const query = serializeUrlConfig(config);
    expect(query).toBe('?task=vae&width=64&batch=20&lr=0.0005&seeds=3&test=100&layers=3&k=50&est=fhnca-baseline,fhnca-baseline-full-reward,disarm&engine=webgpu');
    const parsed = parseUrlConfig(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.config).toEqual(config);
  });

  it('the VAE defaults: 2 layers, f-HNCA + baseline and REINFORCE, a small K', () => {
    const { config, notices } = parseUrlConfig('?task=vae');
    expect(notices).toEqual([]);
    expect(config).toMatchObject({ task: 'vae', layers: 2, width: 200, batch: 50, testK: 10, vaeEstimators: ['fhnca-baseline', 'reinforce'] });
  });

  it('says which value a task cannot use, and what it uses instead', () => {
    const vae = parseUrlConfig('?task=vae&hidden=2&values=01&est=hnca,reinforce&layers=4&k=0');
    expect(vae.config).toEqual(defaultConfig('vae'));
    expect(vae.notices).toHaveLength(5);
    expect(vae.notices[0]).toBe('Ignored hidden="2": not a setting of the Discrete VAE task; its depth is layers=2.');
    expect(vae.notices[1]).toMatch(/^Ignored values="01": not a setting of the Discrete VAE .*0\/1/);
    expect(vae.notices.join(' ')).toContain('Ignored layers="4": expected an integer from 1 to 3; using 2.');
    expect(vae.notices.join(' ')).toContain('Ignored k="0": expected an integer from 1 to 5000; using 10.');
    expect(vae.notices.join(' ')).toMatch(/Ignored est="hnca,reinforce": expected a comma-separated list of fhnca, fhnca-baseline, .*disarm; using fhnca-baseline,reinforce\./);
    const bandit = parseUrlConfig('?task=patterns&layers=2&k=100&est=fhnca');
    expect(bandit.config).toEqual(defaultConfig('patterns'));
    expect(bandit.notices.slice(0, 2)).toEqual([
      'Ignored layers="2": not a setting of the Tiny patterns (4×4, 4 classes) task.',
      'Ignored k="100": not a setting of the Tiny patterns (4×4, 4 classes) task.',
    ]);
    expect(bandit.notices[2]).toMatch(/^Ignored est="fhnca": expected a comma-separated list of hnca, hnca-baseline, reinforce, reinforce-baseline/);
  });

  it('categorical units (docs/math.md §7.1): units and n round-trip and reach the engine config; bad values fall back', () => {
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

  it('the conv bandit (appendix E): task=conv round-trips, reaches the paper trunk in the engine config, and reports the bandit settings it has not', () => {
    const parsed = parseUrlConfig('?task=conv&width=32&values=01');
    expect(parsed.notices).toEqual([]);
    expect(parseUrlConfig(serializeUrlConfig(parsed.config)).config).toEqual(parsed.config);
    expect(engineConfigOf(parsed.config)).toMatchObject({ task: 'conv-bandit', convLayers: 2, channels: 16, width: 32, hiddenValues: '01', batch: 50, lr: 1e-4 });
    expect(varianceLayersOf(parsed.config)).toBe(4);
    expect(banditLayerNames('conv-bandit', 4)).toEqual(['convolution 1', 'convolution 2', 'linear layer to the logits', 'output layer']);
    expect(banditLayerNames('bandit', 3)).toEqual(['hidden layer 1', 'hidden layer 2', 'output layer']);
    const extra = parseUrlConfig('?task=conv&hidden=2&units=categorical&k=5');
    expect(extra.config).toEqual(defaultConfig('conv'));
    expect([...extra.notices].sort()).toEqual([
      'Ignored hidden="2": not a setting of the MNIST conv bandit (appendix E) task.',
      'Ignored k="5": not a setting of the MNIST conv bandit (appendix E) task.',
      'Ignored units="categorical": not a setting of the MNIST conv bandit (appendix E) task.',
    ]);
  });
});
