// Browser-test harness: builds the playground once, serves it with `vite preview` on a free
// port, and launches Debian's Chromium through playwright-core with a fresh profile.
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type InlineConfig, type PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_PATH, chromiumArgs, freePort } from '../../src/node/headlessChromium.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

export interface ServedPlayground {
  url: string;
  /** the production build's folder (dist/) */
  outDir: string;
  close: () => Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json' };

/**
 * A plain static server (node:http) of the folder `root` under the URL path `prefix` (e.g.
 * "/hnca/", as a project page is served): anything outside the prefix is a 404, so a built
 * site that asks for a root-relative URL fails here. Every requested path is recorded.
 */
export async function serveFolderAt(root: string, prefix: string): Promise<{ url: string; requested: string[]; close: () => Promise<void> }> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requested.push(pathname);
    const inside = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : null;
    const file = inside === null ? null : path.join(root, inside === '' || inside.endsWith('/') ? `${inside}index.html` : inside);
    if (file === null || !file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size });
    createReadStream(file).pipe(response);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}${prefix}`, requested, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * `vite build` with `config`, as production. Vitest sets NODE_ENV=test, and a build run inside
 * it then took React's development runtime (jsx-dev-runtime, several times slower, with
 * per-render bookkeeping that grows): the browser tests drove a page no user gets.
 */
export async function buildForProduction(config: InlineConfig): Promise<void> {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ ...config, mode: 'production' });
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}

/** Production build into a temporary folder, served by vite preview. */
export async function servePlayground(): Promise<ServedPlayground> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'hnca-playground-'));
  await buildForProduction({ root: ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
  const port = await freePort();
  const server: PreviewServer = await preview({ root: ROOT, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
  return {
    url: `http://127.0.0.1:${port}/`,
    outDir,
    close: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export interface LaunchedBrowser {
  context: BrowserContext;
  /** console errors and uncaught page errors seen so far, all pages */
  errors: string[];
  newPage: () => Promise<Page>;
  close: () => Promise<void>;
}

export async function launchChromium(options: { webgpu: boolean }): Promise<LaunchedBrowser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'hnca-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumArgs(options),
    viewport: { width: 1280, height: 800 },
  });
  const errors: string[] = [];
  const watch = (page: Page): void => {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    errors,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the worker reports an engine (the header names it). */
export async function waitForEngine(page: Page, timeoutMs = 60_000): Promise<string> {
  await page.waitForSelector('[data-testid="engine-status"]:not([data-backend="none"])', { timeout: timeoutMs });
  return (await page.textContent('[data-testid="engine-status"]')) ?? '';
}

export async function readNumber(page: Page, testId: string): Promise<number> {
  const text = (await page.textContent(`[data-testid="${testId}"]`)) ?? '';
  return Number(text);
}

/** A time-out that only stops a hung test (5 min): no browser test asserts how fast the machine is; rates live in bench/browser/. */
export const HANG_MS = 300_000;

/** Polls `read` until `accept` holds or the time runs out; returns the last value read. */
export async function pollUntil<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const start = Date.now();
  let value = await read();
  while (!accept(value) && Date.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

/** One test file's playground server and Chromium (started in beforeAll, closed in afterAll). */
export interface PlaygroundSession {
  /** a new page at the playground's URL plus `query` */
  open(query: string): Promise<Page>;
  /** a new blank page */
  newPage(): Promise<Page>;
  /** the served URL (no trailing slash) */
  readonly url: string;
  /** console errors and page errors seen so far */
  readonly errors: string[];
  /** the production build's folder */
  readonly outDir: string;
}

export function playgroundSession(options: { webgpu: boolean }): PlaygroundSession {
  let served: ServedPlayground | undefined;
  let browser: LaunchedBrowser | undefined;
  beforeAll(async () => {
    served = await servePlayground();
    browser = await launchChromium(options);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });
  const started = (): { served: ServedPlayground; browser: LaunchedBrowser } => {
    if (!served || !browser) throw new Error('the playground session is used outside its tests');
    return { served, browser };
  };
  return {
    async open(query: string): Promise<Page> {
      const s = started();
      const page = await s.browser.newPage();
      await page.goto(`${s.served.url}${query}`);
      return page;
    },
    newPage(): Promise<Page> {
      return started().browser.newPage();
    },
    get url() {
      return started().served.url;
    },
    get errors() {
      return started().browser.errors;
    },
    get outDir() {
      return started().served.outDir;
    },
  };
}
