// Categorical hidden units (docs/math.md §7.1) in the playground: the unit kind and N in the
// controls and the URL (a round trip), and the inside view showing each unit's N probabilities
// and its credit per value. Screenshots go to test-artifacts/.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, playgroundSession, pollUntil, readNumber, waitForEngine } from './harness.ts';

const session = playgroundSession({ webgpu: false });
const open = (query: string): Promise<Page> => session.open(query);

describe('categorical units in the playground', () => {
  it('the unit kind and N round-trip through the URL and the controls', async () => {
    const page = await open('?task=patterns&units=categorical&n=3&width=6');
    await waitForEngine(page);
    expect(await page.inputValue('[data-testid="control-units"]')).toBe('categorical');
    expect(await page.inputValue('[data-testid="control-categories"]')).toBe('3');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ task: 'patterns', width: '6', n: '3', units: 'categorical' });

    await page.fill('[data-testid="control-categories"]', '5');
    await page.press('[data-testid="control-categories"]', 'Enter');
    await pollUntil(async () => new URL(page.url()).searchParams.get('n'), (v) => v === '5', 5_000);
    const shared = page.url();
    const again = await session.newPage();
    await again.goto(shared);
    await waitForEngine(again);
    expect(await again.inputValue('[data-testid="control-units"]')).toBe('categorical');
    expect(await again.inputValue('[data-testid="control-categories"]')).toBe('5');
    expect(await again.$('[data-testid="url-notice"]')).toBeNull();
    // back to Bernoulli units: N's field goes, the URL drops the unit kind
    await again.selectOption('[data-testid="control-units"]', 'bernoulli');
    await pollUntil(async () => new URL(again.url()).searchParams.get('units'), (v) => v === null, 5_000);
    expect(await again.$('[data-testid="control-categories"]')).toBeNull();
    await again.close();

    const bad = await open('?task=patterns&units=softmax&n=11');
    await waitForEngine(bad);
    const notice = (await bad.textContent('[data-testid="url-notice"]')) ?? '';
    expect(notice).toContain('units="softmax"');
    expect(notice).toContain('n="11"');
    expect(await bad.inputValue('[data-testid="control-units"]')).toBe('bernoulli');
    await bad.close();
    await page.close();
  });

  it('inside the network: per unit its N probabilities and its credit per value, with hover details', async () => {
    const page = await open('?task=patterns&hidden=2&width=9&units=categorical&n=4');
    await waitForEngine(page);
    await page.fill('[data-testid="step-n-count"]', '100');
    await page.click('[data-testid="step-n"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 100, 60_000);
    await page.click('[data-testid="inspect-refresh"]');
    await page.waitForSelector('[data-testid="actions-reinforce"]');
    // 2 layers × 2 estimators, each a π grid of 9 units × 4 values; the credit-per-value grids only for HNCA (REINFORCE uses none)
    expect(await page.$$('[data-testid="probability-grid"]')).toHaveLength(4);
    expect(await page.$$('[data-testid="credit-per-value-grid"]')).toHaveLength(2);
    expect(await page.$$('[data-testid="inside-run-reinforce"] [data-testid="credit-per-value-grid"]')).toHaveLength(0);
    expect(await page.textContent('[data-testid="inside-network"]')).toContain('layer 1 (9 units × 4 values)');
    const grid = await page.$('[data-testid="credit-per-value-grid"]');
    await grid?.scrollIntoViewIfNeeded();
    const box = await grid?.boundingBox();
    if (!box) throw new Error('no credit grid');
    // 3 units × 4 values per row and 2 spacer cells: the grid is 14 cells wide; the second cell is unit 0, value 1
    const cell = box.width / 14;
    await page.mouse.move(box.x + cell * 1.5, box.y + cell / 2);
    const details = (await page.textContent('[data-testid="unit-details"]')) ?? '';
    expect(details).toMatch(/hidden layer 1, unit 0, value 1/);
    // the hovered unit's strip of 4 cells is outlined in its π and credit grids
    const outlines = await page.$$eval('[data-testid="unit-outline"]', (els) => els.map((e) => e.getBoundingClientRect().width));
    expect(outlines).toHaveLength(2);
    for (const w of outlines) expect(w).toBeCloseTo(4 * cell, 0);
    const list = (name: string): number[] => {
      const match = new RegExp(`${name} = \\[([^\\]]*)\\]`).exec(details);
      if (!match) throw new Error(`no ${name} in ${details}`);
      return match[1].split(', ').map(Number);
    };
    const pi = list('π');
    const posterior = list('πρ');
    const credit = list('π\\(ρ − 1\\)');
    for (const values of [pi, posterior, credit]) expect(values).toHaveLength(4);
    expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    expect(posterior.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    // the credit per value sums to 0 (Σ_v π(v)ρ(v) = 1) and is posterior − π
    expect(credit.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 2);
    credit.forEach((c, v) => expect(c).toBeCloseTo(posterior[v] - pi[v], 2));
    // the second unit of the first row (cells 5..8): unit 1
    await page.mouse.move(box.x + cell * 6.5, box.y + cell / 2);
    expect(await page.textContent('[data-testid="unit-details"]')).toMatch(/hidden layer 1, unit 1, value 1/);
    await page.screenshot({ path: path.join(ARTIFACTS, '07-inside-categorical.png') });
    expect(session.errors).toEqual([]);
    await page.close();
  });
});
