import { describe, expect, it } from 'vitest';
import { etaText, paceNotice } from './pace.ts';

describe('what a slow task says', () => {
  it('says when the next chart point and test value come, only when points are 3 s or more apart', () => {
    expect(paceNotice({ updatesPerSecond: 6.2, updatesPerPoint: 20, updatesPerEvaluation: 200, evaluates: 'test accuracy' })).toBe(
      'A slow task on this engine (6.2 updates/s): a chart point every 20 updates, about every 3 s; a test accuracy every 200 updates, about every 32s. The lines separate within the first points: no need to wait for the end.',
    );
    expect(paceNotice({ updatesPerSecond: 2, updatesPerPoint: 60, updatesPerEvaluation: 300, evaluates: 'test accuracy' })).toContain('about every 30s; a test accuracy every 300 updates, about every 2m 30s');
    expect(paceNotice({ updatesPerSecond: 95, updatesPerPoint: 60, updatesPerEvaluation: 300, evaluates: 'test accuracy' })).toBeNull();
    expect(paceNotice({ updatesPerSecond: Number.NaN, updatesPerPoint: 60, updatesPerEvaluation: 300, evaluates: 'test accuracy' })).toBeNull();
    expect(paceNotice({ updatesPerSecond: 0, updatesPerPoint: 60, updatesPerEvaluation: 300, evaluates: 'test accuracy' })).toBeNull();
  });

  it('shows an ETA only when it is under 2 h', () => {
    expect(etaText(23, false)).toBe('ETA 23s');
    expect(etaText(7200, false)).toBe('ETA 2h 00m');
    expect(etaText(59_760, false)).toBe('the whole budget would take 16h 36m at this speed');
    expect(etaText(Number.NaN, false)).toBe('ETA —');
    expect(etaText(59_760, true)).toBe('ETA done');
  });
});
