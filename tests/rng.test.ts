import { describe, expect, it } from 'vitest';
import { hash32, pixelIsOn, randomBits, streamKey, uniform } from '../src/rng/counterRng.ts';
import { epochPermutation } from '../src/data/minibatch.ts';

describe('counter-based RNG', () => {
  it('matches fixed vectors (changing these breaks reproducibility and WGSL parity)', () => {
    expect([0, 1, 2, 0xffffffff].map(hash32)).toMatchInlineSnapshot(`
      [
        0,
        1753845952,
        3507691905,
        1734902346,
      ]
    `);
    expect([streamKey(0, 0, 0), streamKey(1, 2, 3), streamKey(0xffffffff, 7, 16)]).toMatchInlineSnapshot(`
      [
        0,
        1066372762,
        2680863573,
      ]
    `);
    expect([0, 1, 1000].map((i) => uniform(streamKey(42, 3, 16), i))).toMatchInlineSnapshot(`
      [
        0.8932228088378906,
        0.11696666479110718,
        0.05071365833282471,
      ]
    `);
  });

  it('is uniform: chi-square over 64 bins and the mean and variance of 2^18 draws', () => {
    const n = 1 << 18;
    const bins = new Array<number>(64).fill(0);
    const key = streamKey(7, 11, 13);
    let sum = 0;
    let sumSq = 0;
    let [lowest, highest] = [Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      const u = uniform(key, i);
      // one assertion after the loop: 2^19 expect calls took 90 s of the suite
      lowest = Math.min(lowest, u);
      highest = Math.max(highest, u);
      bins[Math.floor(u * 64)]++;
      sum += u;
      sumSq += u * u;
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThan(1);
    const expected = n / 64;
    const chi2 = bins.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(110); // 63 degrees of freedom: p ≈ 1e-4
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 3);
  });

  it('gives different streams for neighbouring seeds, steps and streams (no correlation of first draws)', () => {
    let sumXY = 0;
    const n = 20000;
    for (let s = 0; s < n; s++) sumXY += (uniform(streamKey(s, 0, 1), 0) - 0.5) * (uniform(streamKey(s + 1, 0, 1), 0) - 0.5);
    expect(Math.abs(sumXY / n) * 12).toBeLessThan(0.05);
    expect(randomBits(streamKey(1, 0, 1), 5)).not.toBe(randomBits(streamKey(1, 1, 1), 5));
    expect(randomBits(streamKey(1, 0, 1), 5)).not.toBe(randomBits(streamKey(1, 0, 2), 5));
  });

  it('binarizes with probability intensity/255 exactly at the ends and on average', () => {
    const key = streamKey(3, 0, 2);
    for (let i = 0; i < 1000; i++) {
      expect(pixelIsOn(key, i, 0)).toBe(false);
      expect(pixelIsOn(key, i, 255)).toBe(true);
    }
    let on = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) if (pixelIsOn(key, i, 64)) on++;
    const p = 64 / 255;
    expect(Math.abs(on / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it('shuffles into a permutation that depends on seed and epoch', () => {
    const a = epochPermutation(1, 0, 1000);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(epochPermutation(1, 0, 1000))).toEqual(Array.from(a));
    expect(Array.from(epochPermutation(1, 1, 1000))).not.toEqual(Array.from(a));
    expect(Array.from(epochPermutation(2, 0, 1000))).not.toEqual(Array.from(a));
  });
});
