// Every preset link is an ordinary URL configuration the page reads without a complaint: each of
// its values is applied (no message), and the VAE presets open the VAE with the estimators named.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../src/app/model/presets.ts';
import { parseUrlConfig } from '../src/app/model/urlConfig.ts';

describe('preset links', () => {
  it.each(PRESETS.map((p) => [p.name, p.query] as const))('%s: every value is read without a message', (_name, query) => {
    const parsed = parseUrlConfig(query);
    expect(parsed.notices).toEqual([]);
  });

  it('the Figure 3 preset opens the VAE, two layers, with the paper’s six estimators', () => {
    const preset = PRESETS.find((p) => p.name.startsWith('Paper: Figure 3'));
    const { config } = parseUrlConfig(preset?.query ?? '');
    expect(config.task).toBe('vae');
    expect(config.layers).toBe(2);
    expect(config.vaeEstimators).toEqual(['fhnca', 'fhnca-baseline', 'reinforce', 'reinforce-baseline', 'reinforce-loo', 'disarm']);
  });
});
