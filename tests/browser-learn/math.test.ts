// The math page (math.html, issue 25) in Chromium: docs/math.md rendered with KaTeX, no formula
// that KaTeX rejected, an anchor for every numbered section, a link to §N opens at §N, and the
// table of contents moves between sections.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docSections, sectionAnchor } from '../../src/app/math/sections.ts';
import { ROOT, shot, startHarness, type Harness } from './harness.ts';

const SECTIONS = docSections(readFileSync(path.join(ROOT, 'docs/math.md'), 'utf8'));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ math: 'math.html' });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('math.html', () => {
  it('renders the doc with its formulas and opens at the anchor of the link (#s4)', async () => {
    await h.page.goto(`${h.baseUrl}/math.html#s4`);
    const heading = h.page.locator('#s4');
    await heading.waitFor();
    expect(await heading.textContent()).toContain('§4 The gradient-variance metric');
    // the browser looked for #s4 before the text was in place: the page scrolls there itself
    await expect.poll(async () => heading.evaluate((e) => Math.round(e.getBoundingClientRect().top)), { timeout: 5000 }).toBeLessThan(200);
    expect(await h.page.locator('.katex').count()).toBeGreaterThan(200);
    expect(await h.page.locator('.katex-error').count()).toBe(0);
    expect(await h.page.locator('.math-display').count()).toBeGreaterThan(10);
    const ids = await h.page.$$eval('.math-doc [id^="s"]', (els) => els.map((e) => e.id));
    expect(ids).toEqual(SECTIONS.map(sectionAnchor));
    await shot(h.page, 'math-s4');
    expect(h.errors).toEqual([]);
  });

  it('moves to a section from the table of contents', async () => {
    await h.page.locator('.math-toc a[href="#s7-1"]').click();
    await expect.poll(() => h.page.evaluate(() => window.location.hash)).toBe('#s7-1');
    await expect.poll(async () => h.page.locator('#s7-1').evaluate((e) => Math.round(e.getBoundingClientRect().top)), { timeout: 5000 }).toBeLessThan(200);
    await shot(h.page, 'math-s7-1');
  });
});
