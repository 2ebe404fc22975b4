// Serves learn.html or other pages (a production build into a temp folder, then `vite preview` on a free
// port) and drives Debian's Chromium with playwright-core. Screenshots go to test-artifacts/learn/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { buildForProduction } from '../browser/harness.ts';
import { CHROMIUM_PATH, chromiumArgs } from '../../src/node/headlessChromium.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/learn');

export interface Harness {
  baseUrl: string;
  context: BrowserContext;
  page: Page;
  /** console errors and page errors seen so far */
  errors: string[];
  close(): Promise<void>;
}

/** Builds `pages` (entry name → HTML file at the root; default the Learn page) and serves them. */
export async function startHarness(pages: Record<string, string> = { learn: 'learn.html' }): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const outDir = mkdtempSync(path.join(tmpdir(), 'learn-build-'));
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'learn-chromium-'));
  const config = { configFile: false as const, root: ROOT, logLevel: 'error' as const, plugins: [react()] };
  await buildForProduction({ ...config, build: { outDir, emptyOutDir: true, rolldownOptions: { input: Object.fromEntries(Object.entries(pages).map(([name, file]) => [name, path.join(ROOT, file)])) } } });
  const server: PreviewServer = await preview({ ...config, build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  // a fresh profile in a temp folder (launchPersistentContext passes it as --user-data-dir)
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: chromiumArgs({ webgpu: false }),
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    baseUrl,
    context,
    page,
    errors,
    async close() {
      await context.close();
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}
