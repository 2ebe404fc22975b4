// `npm run bench:charts`: the playground's main thread while training at full speed (issue 13).
// Builds the playground, serves it with vite preview, opens it in Debian's Chromium and trains
// four estimators × 3 seeds (MNIST bandit, 1 hidden layer, the CPU engine in the worker) at full
// speed. Reports the live charts' redraw time (median, p95: src/app/charts/redrawTiming.ts, from
// the render with new rows to the commit of the recharts drawing), the longest main-thread task
// (PerformanceObserver 'longtask'; none means none over 50 ms), and how fast a click on Pause is
// answered (click → the Play button is back, i.e. the worker said it stopped and the page drew
// it). A benchmark, not a test: it prints numbers and writes bench/RESULTS-charts.md.
// Env: CHARTS_BENCH_SECONDS (30), CHARTS_BENCH_QUERY (the playground query).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_PATH, chromiumArgs, freePort } from '../../src/node/headlessChromium.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECONDS = Number(process.env.CHARTS_BENCH_SECONDS ?? 30);
const QUERY = process.env.CHARTS_BENCH_QUERY ?? '?est=hnca,hnca-baseline,reinforce,reinforce-baseline&seeds=3&engine=cpu&speed=4';

interface PageNumbers {
  redraws: { chart: string; ms: number; points: number }[];
  longTasks: { start: number; duration: number }[];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

const f = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

const started = Date.now();
const load = loadavg().map((l) => l.toFixed(2)).join(', ');
const outDir = mkdtempSync(path.join(tmpdir(), 'hnca-charts-bench-'));
await build({ root: ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
const port = await freePort();
const server = await preview({ root: ROOT, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
const userDataDir = mkdtempSync(path.join(tmpdir(), 'hnca-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs({ webgpu: false }), viewport: { width: 1280, height: 800 } });
try {
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { hncaChartRedraws: unknown[]; hncaLongTasks: { start: number; duration: number }[] };
    w.hncaChartRedraws = [];
    w.hncaLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.hncaLongTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`http://127.0.0.1:${port}/${QUERY}`);
  await page.waitForSelector('[data-testid="engine-status"]:not([data-backend="none"])', { timeout: 180_000 });
  const engine = (await page.textContent('[data-testid="engine-status"]')) ?? '';
  await page.waitForTimeout(1500);
  const t0 = await page.evaluate(() => {
    (window as unknown as { hncaChartRedraws: unknown[] }).hncaChartRedraws.length = 0;
    return performance.now();
  });
  await page.click('[data-testid="play"]');
  await page.waitForTimeout(SECONDS * 1000);
  const updates = Number(await page.textContent('[data-testid="status-updates"]'));
  const numbers = await page.evaluate((start) => {
    const w = window as unknown as { hncaChartRedraws: PageNumbers['redraws']; hncaLongTasks: PageNumbers['longTasks'] };
    return { redraws: [...w.hncaChartRedraws], longTasks: w.hncaLongTasks.filter((t) => t.start >= start) };
  }, t0);
  // Pause answered: click → the Play button is back (the worker stopped and the page drew it); three tries, training in between
  const pauses: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) {
      await page.click('[data-testid="play"]');
      await page.waitForTimeout(3000);
    }
    await page.waitForSelector('[data-testid="pause"]');
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const button = document.querySelector<HTMLButtonElement>('[data-testid="pause"]');
          if (!button) throw new Error('no Pause button');
          const t = performance.now();
          const observer = new MutationObserver(() => {
            if (document.querySelector('[data-testid="play"]')) {
              observer.disconnect();
              resolve(performance.now() - t);
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true });
          button.click();
        }),
    );
    pauses.push(ms);
  }
  const all = numbers.redraws.map((r) => r.ms).sort((a, b) => a - b);
  const byChart = [...new Set(numbers.redraws.map((r) => r.chart))].map((chart) => {
    const ms = numbers.redraws.filter((r) => r.chart === chart).map((r) => r.ms).sort((a, b) => a - b);
    return `| ${chart} | ${ms.length} | ${f(quantile(ms, 0.5))} | ${f(quantile(ms, 0.95))} | ${f(ms.at(-1) ?? Number.NaN)} |`;
  });
  const longest = numbers.longTasks.reduce((m, t) => Math.max(m, t.duration), 0);
  const lines = [
    '# Playground main thread while training (live charts on recharts)',
    '',
    'Regenerated by `npm run bench:charts` (bench/browser/chartsBench.ts): a production build in headless Chromium (1280×800),',
    `the playground at \`${QUERY}\` (four estimators × 3 seeds = 12 runs) trained at full speed for ${SECONDS} s, then Pause clicked three times (3 s of training before each).`,
    'Redraw: from the render that receives new metric rows to the commit of the recharts drawing (src/app/charts/redrawTiming.ts; wall-clock, React may yield inside it). Long tasks: PerformanceObserver `longtask` (> 50 ms) after Play. Pause: click → the Play button is back.',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores); load average at start ${load}`,
    `- engine: ${engine}`,
    `- updates trained: ${updates} in ${SECONDS} s; metric points at the end: ${numbers.redraws.at(-1)?.points ?? 0}`,
    '',
    '| chart | redraws | median ms | p95 ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    `| all | ${all.length} | ${f(quantile(all, 0.5))} | ${f(quantile(all, 0.95))} | ${f(all.at(-1) ?? Number.NaN)} |`,
    ...byChart,
    '',
    `- long tasks after Play: ${numbers.longTasks.length}; longest ${numbers.longTasks.length > 0 ? `${f(longest)} ms` : 'none over 50 ms'}`,
    `- Pause answered in: ${pauses.map((p) => `${f(p)} ms`).join(', ')}`,
    `- whole run: ${f((Date.now() - started) / 1000, 0)} s`,
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  writeFileSync(path.join(ROOT, 'bench/RESULTS-charts.md'), text);
} finally {
  await context.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
}
