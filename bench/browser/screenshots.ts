// `node --import tsx bench/browser/screenshots.ts`: screenshots (1280×800 viewport, whole page)
// of the MNIST bandit and the Discrete VAE on the CPU engine and on WebGPU (SwiftShader here), training and paused,
// into test-artifacts/ (git-ignored), for a person to look at. Not a test.
// Env: SCREENSHOT_TRAIN_SECONDS (10).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_PATH, chromiumArgs, freePort } from '../../src/node/headlessChromium.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'test-artifacts');
const SECONDS = Number(process.env.SCREENSHOT_TRAIN_SECONDS ?? 10);
const SHOTS = [
  { name: 'bandit-cpu', query: '?engine=cpu&seeds=2' },
  { name: 'bandit-webgpu', query: '?engine=webgpu' },
  { name: 'vae-cpu', query: '?task=vae&layers=2&est=fhnca-baseline,reinforce&engine=cpu' },
  { name: 'vae-webgpu', query: '?task=vae&layers=2&est=fhnca-baseline,reinforce&engine=webgpu&test=200&k=4' },
];

mkdirSync(OUT, { recursive: true });
const outDir = mkdtempSync(path.join(tmpdir(), 'hnca-shots-'));
await build({ root: ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
const port = await freePort();
const server = await preview({ root: ROOT, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
const userDataDir = mkdtempSync(path.join(tmpdir(), 'hnca-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs({ webgpu: true }), viewport: { width: 1280, height: 800 } });
try {
  for (const shot of SHOTS) {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/${shot.query}`);
    await page.waitForSelector('[data-testid="engine-status"]:not([data-backend="none"])', { timeout: 180_000 });
    await page.click('[data-testid="play"]');
    await page.waitForTimeout(SECONDS * 1000);
    await page.screenshot({ path: path.join(OUT, `${shot.name}-training.png`), fullPage: true });
    await page.click('[data-testid="pause"]');
    await page.waitForSelector('[data-testid="play"]', { timeout: 60_000 });
    await page.waitForTimeout(2500);
    await page.screenshot({ path: path.join(OUT, `${shot.name}-paused.png`), fullPage: true });
    await page.screenshot({ path: path.join(OUT, `${shot.name}-paused-viewport.png`) });
    console.log(`${shot.name}: ${(await page.textContent('[data-testid="engine-status"]')) ?? ''}; updates ${(await page.textContent('[data-testid="status-updates"]')) ?? ''}`);
    await page.close();
  }
} finally {
  await context.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
}
