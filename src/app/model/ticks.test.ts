import { describe, expect, it } from 'vitest';
import { nextStep, niceAxisFromZero, niceStep, niceTicks } from './ticks.ts';

/** Whether v is 1, 2 or 5 × 10^k. */
function isRoundStep(v: number): boolean {
  const power = 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5, 10].some((m) => Math.abs(v / power - m) < 1e-9);
}

describe('round ticks (1–2–5 steps)', () => {
  it('gives the ticks a class reads, for the issue’s examples', () => {
    // the categorical task's x axis: was 0, 0.35, 0.7, 1.05
    expect(niceTicks(0, 1.3).ticks).toEqual([0, 0.5, 1, 1.5]);
    // the conv task's variance axis: was −8.8, −9.6, −10.4
    expect(niceTicks(-10.7, -8.5).ticks).toEqual([-11, -10.5, -10, -9.5, -9, -8.5]);
    // the VAE's ELBO axis: was −165, −220, …
    expect(niceTicks(-240, -150).ticks).toEqual([-240, -220, -200, -180, -160, -140]);
    // accuracy
    expect(niceTicks(0, 1).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.0175).ticks).toEqual([0, 0.005, 0.01, 0.015, 0.02]);
  });

  it('covers the range with at most maxTicks evenly spaced round ticks, over many ranges', () => {
    for (let i = 0; i < 400; i++) {
      const a = (Math.sin(i * 12.9898) * 43758.5453) % 1000;
      const span = 10 ** ((i % 13) - 6) * (1 + (i % 7));
      const maxTicks = 3 + (i % 6);
      const { domain, ticks, step } = niceTicks(a, a + span, maxTicks);
      expect(ticks.length).toBeLessThanOrEqual(maxTicks);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(domain[0]).toBeLessThanOrEqual(a + 1e-9 * Math.abs(a));
      expect(domain[1]).toBeGreaterThanOrEqual(a + span - 1e-9 * Math.abs(a + span));
      expect(isRoundStep(step), `step ${step}`).toBe(true);
      for (let k = 1; k < ticks.length; k++) expect(ticks[k] - ticks[k - 1]).toBeCloseTo(step, 6);
      // every tick a multiple of the step
      for (const t of ticks) expect(Math.abs(t / step - Math.round(t / step))).toBeLessThan(1e-6);
    }
  });

  it('widens a flat or empty range, orders reversed ends, drops −0 and float noise', () => {
    expect(niceTicks(5, 5).ticks).toEqual([4.5, 5, 5.5]);
    expect(niceTicks(0, 0).ticks).toEqual([-0.5, 0, 0.5]);
    expect(niceTicks(Number.NaN, Number.NaN).ticks).toEqual([-0.5, 0, 0.5]);
    expect(niceTicks(1, 0).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.3, 0.3).ticks).toEqual([-0.4, -0.2, 0, 0.2, 0.4]);
    expect(niceTicks(0, 0.3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
    expect(Object.is(niceTicks(-1, 1).ticks[2], 0)).toBe(true);
  });

  it('steps and the x axis from zero', () => {
    expect(niceStep(1.3, 5)).toBe(0.5);
    expect(niceStep(7, 5)).toBe(2);
    expect([1, 2, 5, 10, 0.2].map(nextStep)).toEqual([2, 5, 10, 20, 0.5]);
    expect(niceAxisFromZero(1.75).domain).toEqual([0, 2]);
    expect(niceAxisFromZero(1.5).domain).toEqual([0, 1.5]);
    expect(niceAxisFromZero(0).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});
