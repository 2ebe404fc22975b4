// The Discrete VAE task in Chromium (WebGPU enabled, SwiftShader): it trains on the CPU engine and on the WebGPU engine (its VAE program, not the fallback)
// and its ELBO rises; the test bound is computed with a progress indicator; reconstructions and
// prior samples render and change between two refreshes, stamped with their update; VAE
// configurations round-trip through the URL, and a value the task cannot use is reported.
// Tiny configurations (width 16–32, 40 test images, K = 4) keep it fast. Screenshots go to test-artifacts/.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HANG_MS, playgroundSession, pollUntil, readNumber, screenshot, waitForEngine } from './harness.ts';

const session = playgroundSession({ webgpu: true });
const open = (query: string): Promise<Page> => session.open(query);

const TINY = '?task=vae&engine=cpu&width=32&batch=20&test=40&k=4&lr=0.003&est=fhnca-baseline,reinforce&paper=1'; // paper=1: the paper's Figure 3 facts show

/** The latest mean value of a table cell, NaN while it shows no value. */
async function latest(page: Page, testId: string): Promise<number> {
  const text = ((await page.textContent(`[data-testid="${testId}"]`)) ?? '').replace('−', '-');
  return text.trim() === '' || text.includes('—') ? Number.NaN : Number(text);
}

async function viewsUpdate(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid="vae-views"]', 'data-update'));
}

/** The pictures of the first run's reconstructions and prior samples (data URLs of the rendered canvases). */
async function pictures(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="vae-run-fhnca-baseline"] img[data-testid="vae-reconstruction"], [data-testid="vae-run-fhnca-baseline"] img[data-testid="vae-sample"]', (images) =>
    images.map((i) => (i as HTMLImageElement).src),
  );
}

describe('the Discrete VAE task', () => {
  it('trains on the CPU engine: the ELBO rises, the views refresh with their update', { timeout: 2 * HANG_MS }, async () => {
    const page = await open(TINY);
    expect(await waitForEngine(page)).toBe('CPU engine — requested by engine=cpu in the URL');
    await page.waitForSelector('[data-testid="chart-elbo"]');
    // before training: the views of the initial weights, stamped update 0
    await page.waitForSelector('[data-testid="vae-run-reinforce"] img[data-testid="vae-sample"]');
    expect(await viewsUpdate(page)).toBe(0);
    expect(await page.$$('img[data-testid="vae-reconstruction"]')).toHaveLength(16); // 8 test digits × 2 estimators
    expect(await page.$$('img[data-testid="vae-sample"]')).toHaveLength(16);
    expect(await page.$$('[data-testid="vae-run-fhnca-baseline"] img[data-testid="vae-layer-grid"]')).toHaveLength(2);
    expect(await page.textContent('[data-testid="paper-facts"]')).toContain('2 and 3 layers: f-HNCA with baseline is best');
    const before = await pictures(page);
    await screenshot(page, 'vae-cpu-start');

    await page.click('[data-testid="play"]');
    const first = await pollUntil(() => latest(page, 'latest-train-fhnca-baseline'), (v) => Number.isFinite(v), HANG_MS);
    expect(first).toBeLessThan(0);
    // the ELBO (nats per image over 784 pixels) rises by tens of nats (a state reached; HANG_MS only
    // stops a hung page — how fast: npm run bench:browser)
    const later = await pollUntil(() => latest(page, 'latest-train-fhnca-baseline'), (v) => v > first + 30, HANG_MS);
    expect(later).toBeGreaterThan(first + 30);
    expect(await latest(page, 'latest-train-reinforce')).toBeLessThan(0);
    // the views follow the training on their own
    const stamp = await pollUntil(() => viewsUpdate(page), (u) => u > 0, HANG_MS);
    expect(stamp).toBeGreaterThan(0);
    const shown = Number(/^Shown: update (\d+)$/.exec((await page.textContent('[data-testid="vae-views-update"]')) ?? '')?.[1]);
    expect(shown).toBeGreaterThanOrEqual(stamp);
    const after = await pictures(page);
    expect(after).toHaveLength(before.length);
    expect(after.filter((src, i) => src !== before[i]).length).toBeGreaterThan(after.length / 2);
    const next = await pollUntil(() => viewsUpdate(page), (u) => u > stamp, HANG_MS);
    expect(next).toBeGreaterThan(stamp);
    await page.click('[data-testid="pause"]');
    await page.waitForTimeout(1600); // one chart redraw
    await screenshot(page, 'vae-cpu-trained');
    expect(await page.getAttribute('[data-testid="chart-elbo"]', 'data-rows')).not.toBe('0');
    expect(session.errors).toEqual([]);
    await page.close();
  });

  it('computes the K-sample test bound with a progress indicator while it runs', { timeout: 2 * HANG_MS }, async () => {
    // K = 1000 on 200 images: the bound takes long enough to be seen (K = 200 had become too quick
    // on the VAE's float32 path); a quarter epoch of updates comes first
    const page = await open('?task=vae&engine=cpu&width=8&batch=5&test=200&k=1000&est=reinforce');
    await waitForEngine(page);
    expect(await page.textContent('[data-testid="latest-values"] thead')).toContain('test bound K=1000 (nats)');
    await page.click('[data-testid="play"]');
    // the state and its text read in one look at the page (two reads could straddle the bound's end)
    const progress = await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="bound-progress"]');
      return el?.getAttribute('data-state') === 'running' && el.textContent ? el.textContent : null;
    }, undefined, { timeout: HANG_MS });
    expect(await progress.jsonValue()).toMatch(/^Computing the 1000-sample test bound… \d+%/);
    const bound = await pollUntil(() => latest(page, 'latest-test-reinforce'), (v) => Number.isFinite(v), HANG_MS);
    expect(bound).toBeLessThan(0);
    await page.waitForSelector('[data-testid="bound-progress"][data-state="idle"]');
    // the first bound alone draws no line: it is a dot on the chart (within a redraw, about a second)
    await page.waitForSelector('[data-chart="elbo"] .recharts-line-dot', { timeout: HANG_MS });
    await page.click('[data-testid="pause"]');
    await page.close();
  });

  it('round-trips a VAE configuration through the URL and the controls', async () => {
    const query = '?task=vae&width=16&test=40&layers=3&k=7&est=fhnca,fhnca-baseline-all-children,disarm&engine=cpu';
    const page = await open(query);
    await waitForEngine(page);
    expect(await page.inputValue('[data-testid="control-layers"]')).toBe('3');
    expect(await page.inputValue('[data-testid="control-k"]')).toBe('7');
    expect(await page.isChecked('[data-testid="control-estimator-fhnca"]')).toBe(true);
    expect(await page.isChecked('[data-testid="control-estimator-fhnca-baseline-all-children"]')).toBe(true);
    expect(await page.isChecked('[data-testid="control-estimator-disarm"]')).toBe(true);
    expect(await page.isChecked('[data-testid="control-estimator-fhnca-baseline"]')).toBe(false);
    expect(await page.$('[data-testid="control-hidden"]')).toBeNull();
    expect(await page.evaluate(() => window.location.search)).toBe(query);
    expect(await page.$('[data-testid="url-notice"]')).toBeNull();
    // three estimators of one seed: three views, and three encoder layers each
    await page.waitForSelector('[data-testid="vae-run-disarm"] img[data-testid="vae-sample"]');
    expect(await page.$$('[data-testid="vae-run-fhnca"] img[data-testid="vae-layer-grid"]')).toHaveLength(3);
    // a change through the controls lands in the URL
    await page.fill('[data-testid="control-layers"]', '1');
    await page.press('[data-testid="control-layers"]', 'Enter');
    await page.click('[data-testid="control-estimator-fhnca-baseline"]');
    await pollUntil(() => page.evaluate(() => window.location.search), (s) => s.includes('layers=1') && s.includes('est=fhnca,fhnca-baseline,'), 10_000);
    expect(await page.evaluate(() => window.location.search)).toBe('?task=vae&width=16&test=40&layers=1&k=7&est=fhnca,fhnca-baseline,fhnca-baseline-all-children,disarm&engine=cpu');
    await page.close();
  });

  it('says which URL value the VAE cannot use and what it uses', async () => {
    const page = await open('?task=vae&engine=cpu&width=16&test=40&hidden=2&layers=9');
    await waitForEngine(page);
    const notice = (await page.textContent('[data-testid="url-notice"]')) ?? '';
    expect(notice).toContain('Ignored hidden="2": not a setting of the Discrete VAE task; its depth is layers=2.');
    expect(notice).toContain('Ignored layers="9": expected an integer from 1 to 3; using 2.');
    await page.close();
  });

  it('with engine=webgpu trains the VAE on the WebGPU engine: the ELBO rises, the views render from the device and refresh', { timeout: 2 * HANG_MS }, async () => {
    const page = await open('?task=vae&engine=webgpu&width=16&batch=10&test=40&k=2&lr=0.003&est=fhnca-baseline,reinforce');
    // the WebGPU engine itself (its VAE program, src/backends/webgpu/vae/), not the CPU fallback
    expect(await waitForEngine(page, 90_000)).toMatch(/^WebGPU engine — /);
    expect(await page.getAttribute('[data-testid="engine-status"]', 'data-backend')).toBe('webgpu');
    // the views of the initial weights, read back from the device
    await page.waitForSelector('[data-testid="vae-run-reinforce"] img[data-testid="vae-sample"]', { timeout: HANG_MS });
    expect(await page.$$('img[data-testid="vae-reconstruction"]')).toHaveLength(16);
    expect(await page.$$('img[data-testid="vae-sample"]')).toHaveLength(16);
    const before = await pictures(page);
    await page.click('[data-testid="play"]');
    const first = await pollUntil(() => latest(page, 'latest-train-fhnca-baseline'), (v) => Number.isFinite(v), HANG_MS);
    expect(first).toBeLessThan(0);
    const later = await pollUntil(() => latest(page, 'latest-train-fhnca-baseline'), (v) => v > first + 20, HANG_MS);
    expect(later).toBeGreaterThan(first + 20);
    const stamp = await pollUntil(() => viewsUpdate(page), (u) => u > 0, HANG_MS);
    expect(stamp).toBeGreaterThan(0);
    await page.click('[data-testid="pause"]');
    await page.waitForSelector('[data-testid="play"]');
    const paused = await readNumber(page, 'status-updates');
    // on pause the views show the networks as they are now
    expect(await pollUntil(() => viewsUpdate(page), (u) => u === paused, HANG_MS)).toBe(paused);
    const after = await pictures(page);
    expect(after.filter((src, i) => src !== before[i]).length).toBeGreaterThan(after.length / 2);
    await page.waitForTimeout(1600); // one chart redraw
    await screenshot(page, 'vae-webgpu');
    expect(session.errors).toEqual([]);
    await page.close();
  });
});
