// Errors stay in their panel (issue 25), in Debian's Chromium: with ?test-hooks=1 the test makes
// the charts panel throw while rendering; that panel shows one line naming what failed and a
// reset button, the rest of the page keeps training, and the reset brings the charts back. The
// links to the math page (math.html, served with the site) are checked on the same page.
import { vi, describe, expect, it } from 'vitest';
import { HANG_MS, playgroundSession, pollUntil, readNumber, screenshot, waitForEngine } from './harness.ts';

// waits for a state reached carry only the hang guard (HANG_MS); the test may take that long on a loaded machine
vi.setConfig({ testTimeout: 2 * HANG_MS, hookTimeout: 2 * HANG_MS });

const session = playgroundSession({ webgpu: false });

describe('a panel that throws', () => {
  it('shows its message and a reset while the rest of the page works', async () => {
    const page = await session.open('?task=patterns&test-hooks=1');
    await waitForEngine(page);
    await page.waitForSelector('[data-testid="charts"]');
    const message = 'test hook: the charts were given data they cannot draw';
    await page.evaluate((m) => window.hncaPanelFault?.('charts', m), message);
    const error = page.locator('[data-testid="panel-error-charts"]');
    await error.waitFor();
    expect(await error.textContent()).toContain(`The charts failed: ${message}`);
    expect(await page.locator('[data-testid="charts"]').count()).toBe(0);
    await screenshot(page, 'panel-error-charts');

    // the rest of the page: the controls, the transport and the status bar still work
    await page.fill('[data-testid="step-n-count"]', '12');
    await page.click('[data-testid="step-n"]');
    expect(await pollUntil(() => readNumber(page, 'status-updates'), (u) => u >= 12, 60_000)).toBeGreaterThanOrEqual(12);
    expect(await page.locator('[data-testid="engine-status"]').isVisible()).toBe(true);

    // the reset renders the panel again, with the updates trained meanwhile
    await page.click('[data-testid="panel-reset-charts"]');
    await page.waitForSelector('[data-testid="charts"]');
    expect(await error.count()).toBe(0);
    // the panel's error was logged once by the root's onCaughtError, nothing else went wrong
    expect(session.errors.filter((e) => !e.includes(message))).toEqual([]);
    expect(session.errors.filter((e) => e.includes('a panel failed')).length).toBeGreaterThanOrEqual(1);
    session.errors.length = 0;
  });

  it('an error outside every panel leaves one line and a reload button, not a blank page (onUncaughtError)', async () => {
    const page = await session.open('?task=patterns&test-hooks=1');
    await waitForEngine(page);
    const message = 'test hook: an error outside every panel';
    await page.evaluate((m) => window.hncaPanelFault?.('page', m), message);
    const box = page.locator('[data-testid="page-error"]');
    await box.waitFor();
    expect(await box.textContent()).toContain(`The playground stopped after an error: Error: ${message}.`);
    expect(await box.locator('button').textContent()).toBe('Reload the page');
    await Promise.all([page.waitForEvent('load'), box.locator('button').click()]);
    await waitForEngine(page);
    expect(await page.locator('[data-testid="page-error"]').count()).toBe(0);
    await page.close();
  });

  it('links citations to the math page, which the site serves with an anchor per section', async () => {
    const page = await session.open('?task=bandit&units=categorical');
    // the control's tooltip cites §7.1 as a link; the header links the page
    const link = page.locator('.tooltip a.math-link[href="math.html#s7-1"]');
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await page.getAttribute('[data-testid="math-link"]', 'href')).toBe('./math.html');
    // the variance chart's note (the paper's setting: MNIST, one hidden layer, compared with the paper) links §4
    const paper = await session.open('?paper=1');
    await waitForEngine(paper, 90_000);
    const note = paper.locator('[data-testid="chart-note-variance"]');
    await note.waitFor({ timeout: HANG_MS });
    expect(await note.textContent()).toContain('how it is measured: §4');
    expect(await note.locator('a[href="math.html#s4"]').count()).toBe(1);
    await paper.close();
    const math = await session.newPage();
    await math.goto(`${session.url}math.html#s7-1`);
    await math.waitForSelector('#s7-1');
    expect(await math.locator('.katex-error').count()).toBe(0);
    await math.close();
  });
});
