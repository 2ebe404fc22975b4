// Charts a class can read and the inside view decoded (issue 24), in Chromium, in three page
// loads: the patterns task (round ticks on every axis, a shared x domain, the key comparison in
// words, smoothing, colour legends, the hovered unit outlined, no credit for REINFORCE, every
// unit's weights a page at a time), the Learn lab (round ticks, legends above the plots), and the
// conv task (its first chart point after 10 updates with the variance measured on every 10th,
// its inside view, evaluation and export). Asserted in updates and states, never in seconds.
import type { Page } from 'playwright-core';
import { vi, describe, expect, it } from 'vitest';
import { HANG_MS, playgroundSession, pollUntil, readNumber, screenshot, waitForEngine } from './harness.ts';

// waits for a state reached carry only the hang guard (HANG_MS); the test may take that long on a loaded machine
vi.setConfig({ testTimeout: 2 * HANG_MS, hookTimeout: 2 * HANG_MS });

const session = playgroundSession({ webgpu: false });

/** The numbers of one axis's ticks of a chart (x: the first axis recharts draws, y: the second). */
async function axisTicks(page: Page, chart: string): Promise<{ x: number[]; y: number[] }> {
  const read = (axis: string): Promise<number[]> =>
    page.$$eval(`[data-chart="${chart}"] .recharts-${axis}-tick-labels .recharts-cartesian-axis-tick-value`, (els) => els.map((e) => Number((e.textContent ?? '').replace('−', '-'))));
  return { x: await read('xAxis'), y: await read('yAxis') };
}

/** Whether ticks are evenly spaced by 1, 2 or 5 × 10^k, each a multiple of the step. */
function roundTicks(ticks: number[]): boolean {
  if (ticks.length < 2) return false;
  const step = ticks[1] - ticks[0];
  const power = 10 ** Math.floor(Math.log10(step) + 1e-9);
  if (![1, 2, 5, 10].some((m) => Math.abs(step / power - m) < 1e-6)) return false;
  return ticks.every((t, k) => Math.abs(t - ticks[0] - k * step) < 1e-6 * Math.max(1, Math.abs(t)) && Math.abs(t / step - Math.round(t / step)) < 1e-6);
}

describe('charts a class can read, and the inside view decoded', () => {
  it('patterns: round ticks, one x domain, the comparison in words, smoothing, legends, outline, weight pages', async () => {
    const page = await session.open('?task=patterns&engine=cpu&width=30&est=hnca,reinforce&seeds=2');
    await waitForEngine(page);
    await page.fill('[data-testid="step-n-count"]', '260');
    await page.click('[data-testid="step-n"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 260, 90_000);
    await page.waitForFunction(() => ['accuracy', 'variance', 'layer-variance'].every((c) => Number(document.querySelector(`[data-chart="${c}"]`)?.getAttribute('data-rows')) > 3), undefined, { timeout: HANG_MS });
    // round ticks on both axes of every chart
    for (const chart of ['accuracy', 'variance', 'layer-variance']) {
      const { x, y } = await axisTicks(page, chart);
      expect(roundTicks(x), `${chart} x ${x.join(' ')}`).toBe(true);
      expect(roundTicks(y), `${chart} y ${y.join(' ')}`).toBe(true);
      expect(x[0]).toBe(0);
    }
    expect((await axisTicks(page, 'accuracy')).y).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    // no label over the plot but the axes' own: reference lines are named in a key under the drawing
    for (const chart of ['accuracy', 'variance', 'layer-variance']) {
      const placed = await page.$eval(`[data-chart="${chart}"]`, (figure) => {
        const svg = figure.querySelector('svg.recharts-surface');
        const key = figure.querySelector('.marker-key');
        return {
          labels: Array.from(figure.querySelectorAll('svg text.recharts-label'), (t) => t.textContent ?? ''),
          keyBelow: key === null || (svg !== null && key.getBoundingClientRect().top >= svg.getBoundingClientRect().bottom - 0.5),
        };
      });
      expect(placed.labels.sort(), chart).toEqual([...(chart === 'accuracy' ? ['accuracy (fraction correct)'] : ['ln(mean gradient variance)']), 'epoch (passes over the training set, fractional)'].sort());
      expect(placed.keyBelow, chart).toBe(true);
    }
    // side by side, one x domain, and it holds the last point's epoch
    const domains = await page.$$eval('[data-chart]', (els) => els.map((e) => e.getAttribute('data-x-domain')));
    expect(new Set(domains).size).toBe(1);
    const epoch = Number(await page.textContent('[data-testid="status-epoch"]'));
    const end = Number(domains[0]?.split(',')[1]);
    expect(end).toBeGreaterThanOrEqual(epoch - 0.01);
    // the key comparison, in words, from the live numbers
    const sentence = (await page.textContent('[data-testid="key-comparison"]')) ?? '';
    expect(sentence).toMatch(/^HNCA’s gradient noise is about (the same as|[\d.]+( million)?× (smaller|larger) than) REINFORCE’s .*; its (test|online train) accuracy is \d\.\d\d against \d\.\d\d\.$/);
    // smoothing redraws the curves and the legend says so; off again, the curves come back
    const variancePath = (): Promise<string> => page.$eval('[data-chart="variance"] .recharts-line path', (p) => p.getAttribute('d') ?? '');
    const raw = await variancePath();
    await page.selectOption('[data-testid="smoothing"]', '0.9');
    await pollUntil(variancePath, (d) => d !== raw, 10_000);
    expect(await variancePath()).not.toBe(raw);
    expect(await page.textContent('[data-testid="legend"]')).toContain('curves smoothed (moving average, weight 0.9 of the past)');
    await page.selectOption('[data-testid="smoothing"]', '0');
    await pollUntil(variancePath, (d) => d === raw, 10_000);
    expect(await variancePath()).toBe(raw);
    await screenshot(page, 'readable-01-patterns-charts');

    // inside the network: colour legends, REINFORCE without credit, the hovered unit outlined
    await page.click('[data-testid="inspect-refresh"]');
    await page.waitForSelector('[data-testid="inside-run-reinforce"]');
    expect(await page.textContent('[data-testid="legend-probability"]')).toMatch(/probability\s*0.*1/);
    expect(await page.textContent('[data-testid="legend-signed"]')).toMatch(/− \(orange\).*\+ \(blue\)/);
    expect(await page.$$('[data-testid="inside-run-hnca"] [data-testid="credit-grid"]')).toHaveLength(1);
    expect(await page.$$('[data-testid="inside-run-reinforce"] [data-testid="credit-grid"]')).toHaveLength(0);
    const grid = await page.$('[data-testid="inside-run-hnca"] [data-testid="probability-grid"]');
    await grid?.scrollIntoViewIfNeeded();
    const box = await grid?.boundingBox();
    if (!box) throw new Error('no probability grid');
    // 30 units: a 6 × 5 grid inside the image's 1 px border; the second cell of the first row is unit 1
    const cell = (box.width - 2) / 6;
    await page.mouse.move(box.x + cell * 1.5, box.y + cell / 2);
    expect(await page.textContent('[data-testid="unit-details"]')).toMatch(/hidden layer 1, unit 1(?!\d)/);
    const outlines = await page.$$eval('[data-testid="inside-run-hnca"] [data-testid="unit-outline"]', (els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    expect(outlines).toHaveLength(2); // its p and credit grids
    expect(outlines[0].left).toBeCloseTo(box.x + 1 + cell, 0);
    expect(outlines[0].width).toBeCloseTo(cell, 0);
    // REINFORCE's hover names no credit
    const reinforceGrid = await (await page.$('[data-testid="inside-run-reinforce"] [data-testid="probability-grid"]'))?.boundingBox();
    if (!reinforceGrid) throw new Error('no REINFORCE grid');
    await page.mouse.move(reinforceGrid.x + 2, reinforceGrid.y + 2);
    expect(await page.textContent('[data-testid="unit-details"]')).toContain('REINFORCE uses no credit');
    // every unit's weights, a page of 24 at a time
    expect(await page.getAttribute('[data-testid="weight-images"]', 'data-units')).toBe('30');
    expect(await page.textContent('[data-testid="weights-range"]')).toBe('units 0–23 of 30');
    expect(await page.$$('[data-testid="weight-images"] .weight-row')).toHaveLength(2);
    expect(await page.$$('[data-testid="weights-hnca"] figure')).toHaveLength(24);
    await page.click('[data-testid="weights-next"]');
    expect(await page.textContent('[data-testid="weights-range"]')).toBe('units 24–29 of 30');
    expect(await page.$$eval('[data-testid="weights-hnca"] figcaption', (els) => els.map((e) => e.textContent))).toEqual(['24', '25', '26', '27', '28', '29']);
    await screenshot(page, 'readable-02-patterns-inside');
    expect(session.errors).toEqual([]);
    await page.close();
  });

  it('the Learn lab: round ticks, and the legends above the plots, off the data', async () => {
    const page = await session.newPage();
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.goto(`${session.url}/learn.html?preset=default&view=lab&k=300&speed=500&param=14`);
    await page.waitForSelector('[data-testid="lab-count"][data-done="true"]', { timeout: HANG_MS });
    const legends = await page.$$eval('[data-testid="lab-legend"]', (els) =>
      els.map((legend) => {
        const svg = legend.parentElement?.querySelector('svg.recharts-surface');
        return { legend: legend.getBoundingClientRect().bottom, plot: svg?.getBoundingClientRect().top ?? Number.NaN, items: legend.querySelectorAll('li').length };
      }),
    );
    expect(legends).toHaveLength(2); // running means, variance ratio
    for (const l of legends) {
      expect(l.items).toBeGreaterThanOrEqual(3);
      expect(l.legend).toBeLessThanOrEqual(l.plot);
    }
    expect(await page.$$('.recharts-legend-wrapper')).toHaveLength(0);
    // the running means' and the histograms' axes: round ticks
    const ticks = await page.$$eval('.recharts-cartesian-axis-tick-labels', (axes) =>
      axes.map((axis) => Array.from(axis.querySelectorAll('.recharts-cartesian-axis-tick-value'), (t) => (t.textContent ?? '').replace('−', '-'))),
    );
    const numeric = ticks.filter((t) => t.length >= 2 && t.every((v) => v !== '' && Number.isFinite(Number(v))));
    expect(numeric.length).toBeGreaterThanOrEqual(4);
    for (const t of numeric) {
      const values = t.map(Number);
      // the log-scale ratio axis (1e-4 … 1) is a decade scale: round too, but not evenly spaced
      if (values.includes(0.0001)) continue;
      expect(roundTicks(values), t.join(' ')).toBe(true);
    }
    await screenshot(page, 'readable-03-lab');
    await page.close();
  });

  it('conv: the first chart point after 10 updates, the variance measured every 10th update and said so, inside view, evaluation and export', async () => {
    const page = await session.open('?task=conv&engine=cpu&width=16&test=20');
    await waitForEngine(page, 120_000);
    expect(await page.textContent('[data-testid="chart-empty-variance"]')).toContain('after update 10');
    await page.click('[data-testid="play"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-chart="variance"]')?.getAttribute('data-rows')) > 0, undefined, { timeout: HANG_MS });
    await page.click('[data-testid="pause"]');
    const updates = await readNumber(page, 'status-updates');
    expect(updates).toBeGreaterThanOrEqual(10);
    expect(await page.textContent('[data-testid="chart-note-variance"]')).toContain('Variance measured every 10th update');
    expect(await page.textContent('[data-testid="chart-note-layer-variance"]')).toContain('every 10th update');
    // the first point's variance is finite: a measured update (update 1) is in its window
    // (the latest-values table is redrawn at most once a second: wait for it to show the point)
    await page.waitForFunction(() => /^[−-]?\d+\.\d\d$/.test(document.querySelector('[data-testid="latest-logvar-hnca"]')?.textContent ?? ''), undefined, { timeout: HANG_MS });
    expect(await page.textContent('[data-testid="latest-logvar-hnca"]')).toMatch(/^[−-]?\d+\.\d\d$/);
    // the inside view: the one Bernoulli layer, the first convolution's 16 filters (3×3), no credit for REINFORCE
    await page.click('[data-testid="inspect-refresh"]');
    await page.waitForSelector('[data-testid="inside-run-reinforce"]');
    expect(await page.$$('[data-testid="inside-run-hnca"] [data-testid="credit-grid"]')).toHaveLength(1);
    expect(await page.$$('[data-testid="inside-run-reinforce"] [data-testid="credit-grid"]')).toHaveLength(0);
    expect(await page.getAttribute('[data-testid="weight-images"]', 'data-units')).toBe('16');
    expect(await page.textContent('[data-testid="weight-images"] h3')).toContain('3×3');
    // evaluation and chart export, as on the other bandits
    await page.click('[data-testid="evaluate"]');
    await page.waitForSelector('[data-testid="confusion-matrix"]', { timeout: HANG_MS });
    for (const chart of ['accuracy', 'variance', 'layer-variance']) expect(await page.$(`[data-testid="export-svg-${chart}"]`)).not.toBeNull();
    await screenshot(page, 'readable-04-conv');
    expect(session.errors).toEqual([]);
    await page.close();
  });
});
