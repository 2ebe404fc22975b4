// The playground's live views and honest numbers in Chromium (issue 13): the charts are drawn by
// recharts (labelled axes with units, readable ticks, the paper's markers as printed and on our
// scale), the inside view refreshes itself while training, typed and linked values that cannot
// be used say what is used, MNIST failures name the file and offer a retry, and the built site
// works from a sub-path. Screenshots go to test-artifacts/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HANG_MS, playgroundSession, pollUntil, readNumber, screenshot, serveFolderAt, waitForEngine } from './harness.ts';

const session = playgroundSession({ webgpu: true });
const open = (query: string): Promise<Page> => session.open(query);
const MNIST_FILE = '**/mnist/mnist-v1.bin';

/** The text of every tick of a chart's axes. */
async function tickTexts(page: Page, chart: string): Promise<string[]> {
  return page.$$eval(`[data-chart="${chart}"] .recharts-cartesian-axis-tick-value`, (els) => els.map((e) => e.textContent ?? ''));
}

describe('live charts on recharts', () => {
  it('draws the bandit charts with recharts: labelled axes, readable ticks, the paper’s markers printed and + ln 6', async () => {
    const page = await open('?seeds=2&paper=1'); // MNIST, 1 hidden layer: the paper's setting, so its markers show (paper=1: compare with the paper)
    await waitForEngine(page, 90_000);
    await page.fill('[data-testid="step-n-count"]', '130'); // a metric point every 60 updates (1/20 epoch)
    await page.click('[data-testid="step-n"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 130, 90_000);
    await page.waitForFunction(() => Number(document.querySelector('[data-chart="variance"]')?.getAttribute('data-rows')) > 1, undefined, { timeout: 10_000 });
    for (const chart of ['accuracy', 'variance', 'layer-variance']) {
      expect(await page.$$(`[data-chart="${chart}"] svg.recharts-surface`)).toHaveLength(1);
      const ticks = await tickTexts(page, chart);
      expect(ticks.length).toBeGreaterThanOrEqual(6);
      for (const t of ticks) expect(t).toMatch(/^[−-]?\d+(\.\d{1,3})?$/); // round, short tick values
    }
    // two estimators × (train, test) lines and their bands on the accuracy chart, one line each on the variance chart
    expect(await page.$$('[data-chart="accuracy"] .recharts-line')).toHaveLength(4);
    expect(await page.$$('[data-chart="accuracy"] .recharts-area')).toHaveLength(4);
    expect(await page.$$('[data-chart="variance"] .recharts-line')).toHaveLength(2);
    const accuracyText = (await page.textContent('[data-chart="accuracy"]')) ?? '';
    expect(accuracyText).toContain('epoch (passes over the training set, fractional)');
    expect(accuracyText).toContain('accuracy (fraction correct)');
    expect(accuracyText).toMatch(/paper HNCA, 100 ep: 0\.\d+/);
    const varianceText = (await page.textContent('[data-chart="variance"]')) ?? '';
    expect(varianceText).toContain('ln(mean gradient variance)');
    const printed = /paper HNCA: (−?-?\d+\.\d\d) \(printed\)/.exec(varianceText);
    const ours = /paper HNCA: (−?-?\d+\.\d\d) \(\+ ln 6, our scale\)/.exec(varianceText);
    expect(printed).not.toBeNull();
    expect(ours).not.toBeNull();
    const num = (s: string): number => Number(s.replace('−', '-'));
    expect(num(ours?.[1] ?? '') - num(printed?.[1] ?? '')).toBeCloseTo(Math.log(6), 1);
    expect(await page.textContent('[data-testid="chart-note-variance"]')).toContain('6× lower');
    // hover: the tooltip names the update and every estimator's value
    const plot = await page.$('[data-chart="variance"] .recharts-surface');
    const box = await plot?.boundingBox();
    if (!box) throw new Error('no variance chart');
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
    const tooltip = (await (await page.waitForSelector('[data-chart="variance"] [data-testid="chart-tooltip"]', { timeout: 5_000 })).textContent()) ?? '';
    expect(tooltip).toMatch(/update \d+, epoch \d\.\d{3}.*HNCA: log var −?-?\d+\.\d\d \[/s);
    await screenshot(page, 'charts-01-mnist-paper-markers');
    // the SVG export is a standalone file with the font and the title written in
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-svg-variance"]')]);
    const svgText = readFileSync((await svg.path()) ?? '', 'utf8');
    expect(svgText).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svgText).toContain('font-family="system-ui, sans-serif"');
    expect(svgText).toContain('<title>Gradient variance');
    expect(session.errors).toEqual([]);
    await page.close();
  });

  it('with the four estimators of Figure 1, the paper markers’ labels are listed in each chart’s key, none drawn over the plot', async () => {
    const page = await open('?engine=cpu&est=hnca,hnca-baseline,reinforce,reinforce-baseline&paper=1');
    await waitForEngine(page, 90_000);
    await page.fill('[data-testid="step-n-count"]', '70');
    await page.click('[data-testid="step-n"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 70, 90_000);
    await page.waitForFunction(() => Number(document.querySelector('[data-chart="variance"]')?.getAttribute('data-rows')) > 0, undefined, { timeout: 10_000 });
    // the four accuracies lie within 0.12: drawn as lines, their labels in the key under the plot
    const keyItems = (chart: string): Promise<string[]> => page.$$eval(`[data-testid="chart-key-${chart}"] li`, (items) => items.map((i) => i.textContent ?? ''));
    const accuracyKey = await keyItems('accuracy');
    expect(accuracyKey).toHaveLength(4);
    for (const name of ['HNCA', 'HNCA + baseline', 'REINFORCE', 'REINFORCE + baseline']) {
      expect(accuracyKey.filter((t) => t.startsWith(`paper ${name}, 100 ep: 0.`) && /: 0\.\d+$/.test(t)), name).toHaveLength(1);
    }
    // the eight variance markers (printed and + ln 6), REINFORCE −6.02 and REINFORCE + baseline −6.06 among them
    expect((await keyItems('variance')).filter((t) => t.startsWith('paper '))).toHaveLength(8);
    expect(await page.$$('[data-chart="variance"] .recharts-reference-line')).toHaveLength(8);
    // no label inside the plot's drawing
    for (const chart of ['accuracy', 'variance']) expect(await page.$$(`[data-chart="${chart}"] svg text.recharts-label`).then((l) => Promise.all(l.map((e) => e.textContent())))).not.toContainEqual(expect.stringMatching(/^paper /));
    await page.close();
  });

  it('an empty chart (before Play) says what will appear: axes with labels and ticks, the paper’s markers, "no data yet"', async () => {
    const page = await open('?engine=cpu&est=hnca,reinforce&paper=1');
    await waitForEngine(page, 90_000);
    const paperLabels = (chart: string): Promise<string[]> =>
      page.$$eval(`[data-testid="chart-key-${chart}"] li`, (labels) => labels.map((l) => l.textContent ?? '').filter((t) => t.startsWith('paper ')));
    for (const chart of ['accuracy', 'variance', 'layer-variance']) {
      expect(await page.getAttribute(`[data-chart="${chart}"]`, 'data-rows')).toBe('0');
      expect(await page.textContent(`[data-testid="chart-empty-${chart}"]`)).toBe('No data yet: each estimator’s line starts at the first metric point, after update 60');
      // the x axis from 0 to 1 epoch with its ticks (recharts drew none without rows)
      const ticks = await tickTexts(page, chart);
      expect(ticks).toContain('0');
      expect(ticks).toContain('1');
      expect(await page.textContent(`[data-chart="${chart}"]`)).toContain('epoch (passes over the training set, fractional)');
    }
    // the paper's markers are drawn before any point: two accuracies, two variances printed and + ln 6
    expect(await paperLabels('accuracy')).toHaveLength(2);
    expect(await paperLabels('variance')).toHaveLength(4);
    expect(await page.$$('[data-chart="variance"] .recharts-reference-line')).toHaveLength(4);
    await screenshot(page, 'charts-00-empty');
    // the first metric point (every 60 updates) replaces the line
    await page.fill('[data-testid="step-n-count"]', '60');
    await page.click('[data-testid="step-n"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-chart="variance"]')?.getAttribute('data-rows')) > 0, undefined, { timeout: 60_000 });
    expect(await page.$('[data-testid="chart-empty-variance"]')).toBeNull();
    expect(await paperLabels('variance')).toHaveLength(4);
    // the VAE's charts too
    const vae = await open('?task=vae&engine=cpu&width=16&test=40');
    await waitForEngine(vae, 90_000);
    expect(await vae.textContent('[data-testid="chart-empty-elbo"]')).toContain('No data yet');
    // the test bound comes much later than the first train ELBO: the chart says when
    expect(await vae.textContent('[data-testid="chart-note-elbo"]')).toBe('Dashed: the 10-sample test bound, computed every 300 updates (0.25 epoch), the first after update 300.');
    expect(await vae.textContent('[data-chart="elbo"]')).toContain('ELBO (nats per image)');
    expect(await vae.$$eval('[data-chart="elbo"] .recharts-cartesian-axis-tick-value', (els) => els.map((e) => e.textContent ?? ''))).toContain('1');
    expect(session.errors).toEqual([]);
    await vae.close();
    await page.close();
  });
});

describe('inside the network, live', () => {
  it('refreshes on its own while training, stamped with its update, and once more on pause', { timeout: 2 * HANG_MS }, async () => {
    const page = await open('?task=patterns&speed=3'); // at most 250 updates/s
    await waitForEngine(page);
    const stamp = async (): Promise<number> => Number((await page.getAttribute('[data-testid="inspect-stamp"]', 'data-update')) ?? -1);
    expect(await pollUntil(stamp, (u) => u === 0, 10_000)).toBe(0);
    await page.click('[data-testid="play"]');
    const first = await pollUntil(stamp, (u) => u > 0, HANG_MS);
    expect(first).toBeGreaterThan(0);
    const second = await pollUntil(stamp, (u) => u > first, HANG_MS);
    expect(second).toBeGreaterThan(first); // no Refresh pressed
    expect(await page.textContent('[data-testid="inspect-stamp"]')).toContain(`after update ${second}`);
    await screenshot(page, 'charts-02-patterns-training');
    await page.click('[data-testid="pause"]');
    await page.waitForSelector('[data-testid="play"]');
    await page.waitForTimeout(600);
    const paused = await readNumber(page, 'status-updates');
    expect(await pollUntil(stamp, (u) => u === paused, 10_000)).toBe(paused);
    await screenshot(page, 'charts-03-patterns-paused');
    expect(session.errors).toEqual([]);
    await page.close();
  });
});

describe('values that cannot be used say what is used', () => {
  it('a typed learning rate out of range is set to the bound, with one line saying why', async () => {
    const page = await open('?task=patterns');
    await waitForEngine(page);
    await page.fill('[data-testid="control-lr"]', '5');
    await page.press('[data-testid="control-lr"]', 'Enter');
    expect(await page.textContent('[data-testid="control-lr-message"]')).toBe('5 is more than the largest allowed, 1: set to 1.');
    expect(await page.inputValue('[data-testid="control-lr"]')).toBe('1');
    await pollUntil(async () => new URL(page.url()).searchParams.get('lr'), (v) => v === '1', 5_000);
    await page.fill('[data-testid="control-lr"]', '1e-7');
    await page.press('[data-testid="control-lr"]', 'Enter');
    expect(await page.textContent('[data-testid="control-lr-message"]')).toBe('1e-7 is less than the smallest allowed, 0.000001: set to 0.000001.');
    expect(Number(await page.inputValue('[data-testid="control-lr"]'))).toBe(1e-6);
    await page.close();
  });

  it('a link asking for more test images than the task has says what is used', async () => {
    const page = await open('?task=patterns&test=10000');
    await waitForEngine(page);
    expect(await page.textContent('[data-testid="url-notice"]')).toContain('Ignored test="10000": the patterns task has 400 test images; using all 400.');
    expect(await page.inputValue('[data-testid="control-test"]')).toBe('400');
    await page.close();
  });
});

describe('MNIST loading that explains itself', () => {
  const header = (page: Page): Promise<string> => page.textContent('[data-testid="engine-status"]').then((t) => t ?? '');
  it.each([
    ['fails', 'could not be downloaded', 'HTTP 503'],
    ['is truncated', 'is damaged', 'could not be decompressed'],
    ['is corrupt', 'is damaged or not the playground', 'bad magic'],
  ])('names the file when the download %s, never stays on the progress, and retries', async (kind, what, detail) => {
    const page = await session.newPage();
    const real = readFileSync(path.join(session.outDir, 'mnist/mnist-v1.bin'));
    await page.route(MNIST_FILE, (route) => {
      if (kind === 'fails') return route.fulfill({ status: 503, body: 'busy' });
      if (kind === 'is truncated') return route.fulfill({ status: 200, body: real.subarray(0, Math.floor(real.length / 3)) });
      const corrupt = Buffer.from(real);
      corrupt.fill(0, 0, 8);
      return route.fulfill({ status: 200, body: corrupt });
    });
    await page.goto(`${session.url}?engine=cpu`);
    const failure = (await (await page.waitForSelector('[data-testid="load-failure"]', { timeout: 60_000 })).textContent()) ?? '';
    expect(failure).toContain('mnist-v1.bin');
    expect(failure).toContain(what);
    expect(failure).toContain(detail);
    expect(await header(page)).toMatch(/^Not started: MNIST could not be loaded/);
    expect(await header(page)).not.toMatch(/Loading MNIST|Starting the engine/);
    if (kind === 'is truncated') await screenshot(page, 'charts-04-mnist-truncated');
    await page.unroute(MNIST_FILE);
    await page.click('[data-testid="retry-load"]');
    expect(await waitForEngine(page, 90_000)).toMatch(/^CPU engine/);
    expect(await page.$('[data-testid="load-failure"]')).toBeNull();
    await page.close();
  });
});

describe('a site that works where it is put', () => {
  it('the built site trains when served from a sub-path (/hnca/), MNIST included', async () => {
    const site = await serveFolderAt(session.outDir, '/hnca/');
    try {
      const page = await session.newPage();
      await page.goto(`${site.url}?engine=cpu`);
      expect(await waitForEngine(page, 90_000)).toMatch(/^CPU engine/);
      await page.fill('[data-testid="step-n-count"]', '3');
      await page.click('[data-testid="step-n"]');
      expect(await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 3, 60_000)).toBe(3);
      expect(await page.getAttribute('[data-testid="learn-link"]', 'href')).toBe('./learn.html');
      expect(site.requested.filter((p) => !p.startsWith('/hnca/') && p !== '/favicon.ico')).toEqual([]);
      expect(site.requested).toContain('/hnca/mnist/mnist-v1.bin');
      await page.close();
    } finally {
      await site.close();
    }
  });
});
