// `node --import tsx bench/browser/screenshots.ts`: the playground's states photographed for a
// person to look at (1280×800 viewport, headless Chromium, WebGPU on SwiftShader where there is
// no GPU), from the production build (as `npm run build`) served under a sub-path as a project
// page would be. Writes PNGs to docs/screenshots/ and prints what the page showed (values read
// from its latest-values table, the status line). Not a test.
//
// - the done-when, driven through the controls as a user would: engine CPU, task
//   "Discrete VAE", 2 layers, f-HNCA + baseline and REINFORCE, Play, SCREENSHOT_TRAIN_SECONDS
//   (60) of training: the charts, the reconstructions, the whole page;
// - empty charts before Play (bandit, VAE);
// - the bandit on the CPU engine (SCREENSHOT_SHORT_SECONDS, 20, of training) with its "Inside the
//   network"; the bandit and the VAE on WebGPU (SCREENSHOT_WEBGPU_SECONDS, 60), in smaller
//   configurations (SwiftShader, a software adapter, trains the default ones at about one update a
//   second on a shared 2-core machine: no metric point within a minute); the Learn page.
//
// - the first screen at 390×844 (a phone), 1280×800 and 1920×1080 (issue 24): every task before
//   Play, the MNIST bandit after SCREENSHOT_SHORT_SECONDS of training, the Learn page and the lab
//   (names "<what>-<width>", e.g. first-mnist-390, learn-lab-1920).
//
// Env: SCREENSHOT_TRAIN_SECONDS (60), SCREENSHOT_SHORT_SECONDS (20), SCREENSHOT_WEBGPU_SECONDS (60),
// SCREENSHOT_ONLY (comma-separated names of the shots to take; default all).
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_PATH, chromiumArgs, freePort } from '../../src/node/headlessChromium.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'docs/screenshots');
const LONG = Number(process.env.SCREENSHOT_TRAIN_SECONDS ?? 60);
const SHORT = Number(process.env.SCREENSHOT_SHORT_SECONDS ?? 20);
const WEBGPU = Number(process.env.SCREENSHOT_WEBGPU_SECONDS ?? 60);
const ONLY = process.env.SCREENSHOT_ONLY ? new Set(process.env.SCREENSHOT_ONLY.split(',')) : null;
const PREFIX = '/hnca/';

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json' };

/** A static server of `root` under PREFIX (a project page's sub-path). */
async function serve(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const inside = pathname.startsWith(PREFIX) ? pathname.slice(PREFIX.length) : null;
    const file = inside === null ? null : path.join(root, inside === '' ? 'index.html' : inside);
    if (file === null || !file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size });
    createReadStream(file).pipe(response);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}${PREFIX}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function waitForEngine(page: Page): Promise<string> {
  await page.waitForSelector('[data-testid="engine-status"]:not([data-backend="none"])', { timeout: 180_000 });
  return (await page.textContent('[data-testid="engine-status"]')) ?? '';
}

/** The latest-values table and the status line, as text. */
async function readings(page: Page): Promise<string> {
  const table = await page.$$eval('[data-testid="latest-values"] tr', (rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim()).join(' | ')));
  const status = await page.$$eval('[data-testid="status"] > span', (spans) => spans.map((x) => (x.textContent ?? '').trim()).join(' · '));
  const views = await page.$('[data-testid="vae-views-update"]');
  const inside = await page.$('[data-testid="inspect-stamp"]');
  const stamp = views ? `; views: ${(await views.textContent()) ?? ''}` : inside ? `; inside: ${(await inside.textContent()) ?? ''}` : '';
  return [`  status: ${status}${stamp}`, ...table.map((l) => `  ${l}`)].join('\n');
}

async function shoot(page: Page, name: string, options: { fullPage?: boolean; selector?: string } = {}): Promise<void> {
  const file = path.join(OUT, `${name}.png`);
  if (options.selector) await (await page.waitForSelector(options.selector)).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  console.log(`wrote ${path.relative(ROOT, file)} (${Math.round(statSync(file).size / 1024)} KiB)`);
}

const wanted = (name: string): boolean => ONLY === null || ONLY.has(name);

mkdirSync(OUT, { recursive: true });
const outDir = mkdtempSync(path.join(tmpdir(), 'hnca-shots-'));
process.env.NODE_ENV = 'production';
await build({ root: ROOT, mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
const site = await serve(outDir);
const userDataDir = mkdtempSync(path.join(tmpdir(), 'hnca-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs({ webgpu: true }), viewport: { width: 1280, height: 800 } });
const errors: string[] = [];
context.on('page', (page) => {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
});
try {
  if (wanted('vae-cpu')) {
    // the done-when, through the controls
    const page = await context.newPage();
    await page.goto(site.url);
    await waitForEngine(page);
    await page.selectOption('[data-testid="control-engine"]', 'cpu');
    await page.selectOption('[data-testid="control-task"]', 'vae');
    await page.waitForSelector('[data-testid="control-layers"]');
    await page.fill('[data-testid="control-layers"]', '2');
    await page.press('[data-testid="control-layers"]', 'Enter');
    for (const e of ['fhnca-baseline', 'reinforce']) if (!(await page.isChecked(`[data-testid="control-estimator-${e}"]`))) await page.click(`[data-testid="control-estimator-${e}"]`);
    for (const e of ['fhnca', 'fhnca-baseline-all-children', 'reinforce-loo', 'disarm', 'reinforce-baseline']) {
      const box = await page.$(`[data-testid="control-estimator-${e}"]`);
      if (box && (await box.isChecked())) await box.click();
    }
    await page.waitForSelector('[data-testid="chart-elbo"]');
    const engine = await waitForEngine(page);
    await page.waitForSelector('[data-testid="vae-run-reinforce"] img[data-testid="vae-sample"]', { timeout: 60_000 });
    await page.waitForTimeout(1500);
    console.log(`vae-cpu: ${engine}; URL ${await page.evaluate(() => window.location.search)}`);
    await shoot(page, 'vae-cpu-empty');
    await page.click('[data-testid="play"]');
    for (let s = 20; s <= LONG; s += 20) {
      await page.waitForTimeout(20_000);
      console.log(`after ${s} s:\n${await readings(page)}`);
    }
    await shoot(page, 'vae-cpu-60s');
    await shoot(page, 'vae-cpu-60s-charts', { selector: '[data-testid="charts"]' });
    await shoot(page, 'vae-cpu-60s-views', { selector: '[data-testid="vae-views"]' });
    await page.click('[data-testid="pause"]');
    await page.close();
  }
  if (wanted('bandit-cpu')) {
    const page = await context.newPage();
    await page.goto(`${site.url}?engine=cpu&seeds=2`);
    console.log(`bandit-cpu: ${await waitForEngine(page)}`);
    await page.waitForTimeout(1500);
    await shoot(page, 'bandit-cpu-empty');
    await page.click('[data-testid="play"]');
    await page.waitForTimeout(SHORT * 1000);
    console.log(await readings(page));
    await shoot(page, 'bandit-cpu');
    await shoot(page, 'bandit-inside', { selector: '[data-testid="inside-network"]' });
    await page.click('[data-testid="pause"]');
    await page.close();
  }
  if (wanted('bandit-webgpu')) {
    const page = await context.newPage();
    await page.goto(`${site.url}?engine=webgpu&width=64`);
    console.log(`bandit-webgpu: ${await waitForEngine(page)}`);
    await page.click('[data-testid="play"]');
    await page.waitForTimeout(WEBGPU * 1000);
    console.log(await readings(page));
    await shoot(page, 'bandit-webgpu');
    await page.click('[data-testid="pause"]');
    await page.close();
  }
  if (wanted('vae-webgpu')) {
    const page = await context.newPage();
    await page.goto(`${site.url}?task=vae&layers=2&est=fhnca-baseline,reinforce&engine=webgpu&width=32&batch=20&test=100&k=4&lr=0.003`);
    console.log(`vae-webgpu: ${await waitForEngine(page)}`);
    await page.click('[data-testid="play"]');
    for (let s = 15; s <= WEBGPU; s += 15) {
      await page.waitForTimeout(15_000);
      console.log(`after ${s} s:\n${await readings(page)}`);
    }
    console.log(await readings(page));
    await shoot(page, 'vae-webgpu');
    await shoot(page, 'vae-webgpu-views', { selector: '[data-testid="vae-views"]' });
    await page.click('[data-testid="pause"]');
    await page.close();
  }
  if (wanted('sizes')) {
    const tasks: [string, string][] = [['mnist', '?task=mnist'], ['patterns', '?task=patterns'], ['vae', '?task=vae'], ['conv', '?task=conv'], ['categorical', '?task=mnist&units=categorical']];
    for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      for (const [name, query] of tasks) {
        await page.goto(`${site.url}${query}&engine=cpu`);
        await waitForEngine(page);
        await page.waitForTimeout(1000);
        await shoot(page, `first-${name}-${viewport.width}`);
      }
      await page.goto(`${site.url}?task=mnist&engine=cpu`);
      await waitForEngine(page);
      await page.click('[data-testid="play"]');
      await page.waitForTimeout(SHORT * 1000);
      console.log(`trained-mnist-${viewport.width}:\n${await readings(page)}`);
      await shoot(page, `trained-mnist-${viewport.width}`, { fullPage: true });
      await page.click('[data-testid="pause"]');
      for (const [name, view] of [['learn', ''], ['learn-lab', '?view=lab']]) {
        await page.goto(`${site.url}learn.html${view}`);
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(2500);
        await shoot(page, `${name}-${viewport.width}`, { fullPage: true });
      }
      await page.close();
    }
  }
  if (wanted('learn')) {
    const page = await context.newPage();
    await page.goto(`${site.url}learn.html`);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1500);
    await shoot(page, 'learn');
    await page.close();
  }
  if (errors.length > 0) console.log(`page errors:\n${errors.join('\n')}`);
} finally {
  await context.close();
  await site.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
}
