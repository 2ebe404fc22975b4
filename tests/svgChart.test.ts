import { describe, expect, it } from 'vitest';
import { meanCi, tQuantile975 } from '../src/cli/stats.ts';
import { escapeXml, lineChart, niceTicks, OKABE_ITO } from '../src/cli/svgChart.ts';

describe('meanCi', () => {
  it('gives the mean and the Student-t 95% half-width, skipping missing values', () => {
    const s = meanCi([1, 2, 3, null, Number.NaN]);
    expect(s.n).toBe(3);
    expect(s.mean).toBe(2);
    expect(s.ci95).toBeCloseTo((4.303 * 1) / Math.sqrt(3), 12);
    expect(meanCi([5])).toEqual({ mean: 5, ci95: 0, n: 1 });
    expect(meanCi([]).n).toBe(0);
    expect(tQuantile975(4)).toBe(2.776);
    expect(tQuantile975(200)).toBe(1.96);
  });
});

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0.08, 0.17)).toEqual([0.08, 0.1, 0.12, 0.14, 0.16, 0.18]);
    expect(niceTicks(1, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-13.1, -5.2)).toEqual([-14, -12, -10, -8, -6, -4]);
    expect(niceTicks(1, 3, 5, 1)).toEqual([1, 2, 3]);
    const flat = niceTicks(3, 3);
    expect(flat[0]).toBeLessThan(3);
    expect(flat[flat.length - 1]).toBeGreaterThan(3);
  });
});

describe('lineChart', () => {
  const svg = lineChart({
    title: 'Accuracy <test> & more',
    xLabel: 'epoch',
    yLabel: 'accuracy (fraction)',
    series: [
      { name: 'HNCA', color: OKABE_ITO.blue, points: [1, 2, 3].map((x) => ({ x, y: 0.1 * x, lo: 0.1 * x - 0.01, hi: 0.1 * x + 0.01 })) },
      { name: 'REINFORCE', color: OKABE_ITO.vermillion, dash: '7 4', points: [{ x: 1, y: 0.1 }, { x: 2, y: Number.NaN }, { x: 3, y: 0.2 }] },
    ],
  });

  it('is a standalone SVG with escaped title, labelled axes and a legend', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Accuracy &lt;test&gt; &amp; more');
    expect(svg).toContain('>epoch</text>');
    expect(svg).toContain('>accuracy (fraction)</text>');
    expect(svg).toContain('>HNCA</text>');
    expect(svg).toContain('>REINFORCE</text>');
    expect(svg).toContain('stroke-dasharray="7 4"');
  });

  it('draws one band for the series with intervals and breaks lines at missing points', () => {
    expect(svg.match(/<polygon /g)).toHaveLength(1);
    expect(svg.match(/<polyline /g)).toHaveLength(1); // HNCA line; REINFORCE is two isolated points
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    expect(svg).toContain('>2</text>'); // integer epochs: integer ticks only
    expect(svg).not.toContain('>1.5</text>');
  });

  it('escapes XML specials', () => {
    expect(escapeXml(`a<b>&"c"`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
  });
});
