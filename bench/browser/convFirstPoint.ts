// The conv task's first chart point (issue 24: "within 5 s of Play on the CPU engine"; it was
// 33 s): builds the playground, opens ?task=conv&engine=cpu at its defaults (the paper's trunk,
// 200 units, batch 50, HNCA and REINFORCE) in Debian's headless Chromium, clicks Play and
// times the click → the variance chart's first row, and the updates done by then. Wall-clock
// seconds on a shared machine include waiting for a core: the load average is printed with them.
// Run alone: node --import tsx bench/browser/convFirstPoint.ts  (CONV_FIRST_POINT_TRIES, default 3)
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_PATH, chromiumArgs, freePort } from '../../src/node/headlessChromium.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TRIES = Number(process.env.CONV_FIRST_POINT_TRIES ?? 3);
const QUERY = process.env.CONV_FIRST_POINT_QUERY ?? '?task=conv&engine=cpu';

const outDir = mkdtempSync(path.join(tmpdir(), 'hnca-conv-first-'));
const userDataDir = mkdtempSync(path.join(tmpdir(), 'hnca-chromium-'));
process.env.NODE_ENV = 'production';
await build({ root: ROOT, mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
const port = await freePort();
const server = await preview({ root: ROOT, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs({ webgpu: false }), viewport: { width: 1280, height: 800 } });
try {
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores); load average ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  for (let t = 0; t < TRIES; t++) {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/${QUERY}`);
    await page.waitForSelector('[data-testid="engine-status"]:not([data-backend="none"])', { timeout: 180_000 });
    await page.waitForSelector('[data-testid="play"]:not([disabled])', { timeout: 60_000 });
    const clicked = Date.now();
    await page.click('[data-testid="play"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-chart="variance"]')?.getAttribute('data-rows')) > 0, undefined, { timeout: 300_000, polling: 50 });
    const seconds = (Date.now() - clicked) / 1000;
    const updates = Number(await page.textContent('[data-testid="status-updates"]'));
    const speed = await page.textContent('[data-testid="status-speed"]');
    const note = (await page.textContent('[data-testid="chart-note-variance"]')) ?? '';
    console.log(`try ${t + 1}: first variance point ${seconds.toFixed(1)} s after Play; ${updates} updates by then, ${speed} updates/s; ${note.slice(0, 50)}…; load ${loadavg()[0].toFixed(2)}`);
    await page.close();
  }
} finally {
  await context.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
}
