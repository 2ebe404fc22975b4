// Estimator names written in their colours stay readable on white (WCAG AA, issue 24's axe scan).
import { describe, expect, it } from 'vitest';
import { ESTIMATOR_COLORS, contrastOnWhite, estimatorTextColor, readableOnWhite } from './palette.ts';
import type { EstimatorId } from '../../engine/types.ts';

describe('readableOnWhite', () => {
  it('darkens every estimator colour to a contrast of at least 4.5 on white, and only as far as needed', () => {
    expect(contrastOnWhite('#D55E00')).toBeLessThan(4.5); // REINFORCE's vermillion as drawn
    for (const estimator of Object.keys(ESTIMATOR_COLORS) as EstimatorId[]) {
      const text = estimatorTextColor(estimator);
      expect(contrastOnWhite(text)).toBeGreaterThanOrEqual(4.5);
      expect(contrastOnWhite(text)).toBeLessThan(Math.max(4.9, contrastOnWhite(ESTIMATOR_COLORS[estimator]) + 0.01));
    }
    expect(readableOnWhite('#0072B2')).toBe('#0072B2'); // HNCA's blue is readable as it is
    expect(() => readableOnWhite('blue')).toThrow(/not a #rrggbb, #rgb or rgb\(\) colour/);
    // the shorthand the lab's exact-gradient line uses: its channels doubled (#111 = #111111)
    expect(contrastOnWhite('#111')).toBeCloseTo(contrastOnWhite('#111111'), 12);
    expect(readableOnWhite('#111')).toBe('#111');
  });
});
