// `npm run bench:charts`: the playground's main thread while training at full speed (issue 13).
// Builds the playground, serves it with vite preview, opens it in Debian's Chromium and trains
// four estimators × 3 seeds (MNIST bandit, 1 hidden layer, the CPU engine in the worker) at full
// speed, then the same on the tiny patterns task. Reports the live charts' redraw time (median,
// p95: src/app/charts/redrawTiming.ts, from the render with new rows to the end of recharts'
// second pass), both wall-clock and as the main thread's CPU time inside it (Chromium's tracing,
// tests/browser/mainThreadTrace.ts), the longest main-thread task (wall: PerformanceObserver
// 'longtask', none means none over 50 ms; CPU: tracing), and how fast a click on Pause is
// answered (click → the Play button is back, i.e. the worker said it stopped and the page drew
// it). A benchmark, not a test: it prints numbers and writes bench/RESULTS-charts.md.
// Env: CHARTS_BENCH_SECONDS (30), CHARTS_BENCH_QUERY (one playground query instead of the two).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_PATH, chromiumArgs, freePort } from '../../src/node/headlessChromium.ts';
import { clickPauseAndTime, quantile, traceMainThread } from '../../tests/browser/mainThreadTrace.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECONDS = Number(process.env.CHARTS_BENCH_SECONDS ?? 30);
const QUERIES = process.env.CHARTS_BENCH_QUERY
  ? [process.env.CHARTS_BENCH_QUERY]
  : ['?est=hnca,hnca-baseline,reinforce,reinforce-baseline&seeds=3&engine=cpu&speed=4', '?task=patterns&est=hnca,hnca-baseline,reinforce,reinforce-baseline&seeds=3&engine=cpu&speed=4&epochs=1000'];

interface PageNumbers {
  redraws: { chart: string; ms: number; points: number }[];
  longTasks: { start: number; duration: number }[];
}


const f = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

const started = Date.now();
const load = loadavg().map((l) => l.toFixed(2)).join(', ');
const outDir = mkdtempSync(path.join(tmpdir(), 'hnca-charts-bench-'));
await build({ root: ROOT, mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
const port = await freePort();
const server = await preview({ root: ROOT, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
const userDataDir = mkdtempSync(path.join(tmpdir(), 'hnca-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs({ webgpu: false }), viewport: { width: 1280, height: 800 } });

/** One setting: trains `query` for SECONDS, then clicks Pause three times; the markdown lines of its section. */
async function measure(query: string): Promise<string[]> {
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { hncaChartRedraws: unknown[]; hncaLongTasks: { start: number; duration: number }[] };
    w.hncaChartRedraws = [];
    w.hncaLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.hncaLongTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`http://127.0.0.1:${port}/${query}`);
  await page.waitForSelector('[data-testid="engine-status"]:not([data-backend="none"])', { timeout: 180_000 });
  const engine = (await page.textContent('[data-testid="engine-status"]')) ?? '';
  await page.waitForTimeout(1500);
  const t0 = await page.evaluate(() => {
    (window as unknown as { hncaChartRedraws: unknown[] }).hncaChartRedraws.length = 0;
    return performance.now();
  });
  const stop = await traceMainThread(page);
  const loadAtPlay = loadavg()[0].toFixed(2);
  await page.click('[data-testid="play"]');
  await page.waitForTimeout(SECONDS * 1000);
  const trace = await stop();
  const updates = Number(await page.textContent('[data-testid="status-updates"]'));
  const numbers = await page.evaluate((start) => {
    const w = window as unknown as { hncaChartRedraws: PageNumbers['redraws']; hncaLongTasks: PageNumbers['longTasks'] };
    return { redraws: [...w.hncaChartRedraws], longTasks: w.hncaLongTasks.filter((t) => t.start >= start) };
  }, t0);
  // Pause answered: three tries, training in between
  const pauses: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) {
      await page.click('[data-testid="play"]');
      await page.waitForTimeout(3000);
    }
    await page.waitForSelector('[data-testid="pause"]');
    pauses.push(await clickPauseAndTime(page));
  }
  await page.close();
  const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
  const row = (name: string, wall: readonly number[], cpu: readonly number[]): string => {
    const w = sorted(wall);
    const c = sorted(cpu);
    return `| ${name} | ${w.length} | ${f(quantile(w, 0.5))} | ${f(quantile(w, 0.95))} | ${f(quantile(c, 0.5))} | ${f(quantile(c, 0.95))} | ${f(c.at(-1) ?? Number.NaN)} |`;
  };
  const charts = [...new Set(trace.redraws.map((r) => r.chart))];
  const longest = numbers.longTasks.reduce((m, t) => Math.max(m, t.duration), 0);
  const longestCpu = trace.tasks.reduce((m, t) => Math.max(m, t.cpuMs), 0);
  return [
    `## \`${query}\``,
    '',
    `- engine: ${engine}`,
    `- load average (1 min) at Play: ${loadAtPlay}`,
    `- updates trained: ${updates} in ${SECONDS} s; metric points at the end: ${numbers.redraws.at(-1)?.points ?? 0}`,
    '',
    '| chart | redraws | wall median ms | wall p95 ms | CPU median ms | CPU p95 ms | CPU max ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('all', trace.redraws.map((r) => r.wallMs), trace.redraws.map((r) => r.cpuMs)),
    ...charts.map((chart) => {
      const mine = trace.redraws.filter((r) => r.chart === chart);
      return row(chart, mine.map((r) => r.wallMs), mine.map((r) => r.cpuMs));
    }),
    '',
    `- longest main-thread task after Play: ${f(longestCpu)} ms of CPU; wall-clock long tasks (> 50 ms): ${numbers.longTasks.length}, longest ${numbers.longTasks.length > 0 ? `${f(longest)} ms` : 'none'}`,
    `- main-thread CPU while training: ${f(trace.tasks.reduce((s, t) => s + t.cpuMs, 0) / SECONDS / 10)} % of one core`,
    `- Pause answered in: ${pauses.map((p) => `${f(p)} ms`).join(', ')}`,
    '',
  ];
}

try {
  const sections: string[] = [];
  for (const query of QUERIES) sections.push(...(await measure(query)));
  const lines = [
    '# Playground main thread while training (live charts on recharts)',
    '',
    'Regenerated by `npm run bench:charts` (bench/browser/chartsBench.ts): a production build in headless Chromium (1280×800),',
    `four estimators × 3 seeds = 12 runs trained at full speed for ${SECONDS} s per setting, then Pause clicked three times (3 s of training before each).`,
    "Redraw: from the render that receives new metric rows to the end of recharts' second pass (its store's re-render; src/app/charts/redrawTiming.ts): wall-clock, and the main thread's CPU time inside it from Chromium's tracing (tests/browser/mainThreadTrace.ts). Wall-clock includes the time the thread waited for a core; on a shared machine the CPU columns are the page's own cost. Pause: click → the Play button is back.",
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores); load average at start ${load}`,
    '',
    ...sections,
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
