import { describe, expect, it } from 'vitest';
import { bandPath, linePath, linearScale, nearestIndex, niceTicks, paddedExtent } from './chartGeometry.ts';

describe('chart geometry', () => {
  it('scales linearly, inverted ranges included', () => {
    const y = linearScale([0, 1], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(0.25)).toBe(75);
  });
  it('chooses round ticks', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-13.2, -2.1, 5)).toEqual([-12, -10, -8, -6, -4]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
  it('pads extents and ignores non-finite values', () => {
    expect(paddedExtent([0, 10, Number.NaN])).toEqual([-0.5, 10.5]);
    expect(paddedExtent([2, 2])).toEqual([1.5, 2.5]);
    expect(paddedExtent([Number.NaN])).toBeNull();
  });
  it('draws lines over missing values and bands per contiguous run', () => {
    const id = linearScale([0, 1], [0, 1]);
    expect(linePath([0, 1, 2], [1, null, 3], id, id)).toBe('M0.0,1.0L2.0,3.0');
    expect(bandPath([0, 1, 2, 3], [[0, 1], [0, 2], null, [1, 1]], id, id)).toBe('M0.0,1.0L1.0,2.0L1.0,0.0L0.0,0.0Z');
  });
  it('finds the nearest row', () => {
    expect(nearestIndex([0, 1, 2, 5], 3.6)).toBe(3);
    expect(nearestIndex([0, 1, 2, 5], 1.4)).toBe(1);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});
