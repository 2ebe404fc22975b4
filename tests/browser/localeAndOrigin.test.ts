// The playground in a German browser and over plain HTTP on a non-loopback name (issue 26), in
// Debian's Chromium: a decimal comma typed into a number field is read as one (0,001 → lr 0.001)
// or refused in one line, never dropped (1,5 units never become 15); a page that is not a secure
// context names that as the reason for no WebGPU, and "Copy link" says what happened. The HTTP
// origin is a made-up host name that Chromium resolves to this machine's 127.0.0.1
// (--host-resolver-rules): not localhost, so not a secure context, as a LAN address is. The built
// site is served there by a plain static server (vite preview refuses an unknown Host header).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumArgs } from '../../src/node/headlessChromium.ts';
import { pollUntil, screenshot, serveFolderAt, servePlayground, waitForEngine, type ServedPlayground } from './harness.ts';

let served: ServedPlayground | undefined;
beforeAll(async () => {
  served = await servePlayground();
});
afterAll(async () => {
  await served?.close();
});

/** A Chromium of its own with extra arguments and a locale; closed (profile removed) by the returned function. */
async function launch(extraArgs: string[], locale?: string): Promise<{ context: BrowserContext; errors: string[]; close: () => Promise<void> }> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'hnca-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...chromiumArgs({ webgpu: true }), ...extraArgs],
    viewport: { width: 1280, height: 800 },
    ...(locale ? { locale } : {}),
  });
  const errors: string[] = [];
  context.on('page', (page) => {
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
  });
  return {
    context,
    errors,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Types `typed` into the field `testId` (or the field a CSS `selector` finds) as a user does (key by key), then Enter. */
async function typeInto(page: Page, testId: string, typed: string, selector = `[data-testid="${testId}"]`): Promise<void> {
  await page.click(selector, { clickCount: 3 });
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(typed);
  await page.keyboard.press('Enter');
}

const lineOf = (page: Page, testId: string): Promise<string | null> => page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null, testId);

describe('a German browser (--lang=de-DE)', () => {
  it('reads 0,001 as the learning rate 0.001, and says that 1,5 units is no whole number instead of making it 15', async () => {
    const browser = await launch(['--lang=de-DE'], 'de-DE');
    try {
      const page = await browser.context.newPage();
      await page.goto(`${served?.url ?? ''}?task=patterns&engine=cpu`);
      await waitForEngine(page);
      expect(await page.evaluate(() => navigator.language)).toBe('de-DE');
      await typeInto(page, 'control-lr', '0,001');
      expect(await pollUntil(() => Promise.resolve(new URL(page.url()).searchParams.get('lr')), (lr) => lr === '0.001', 10_000)).toBe('0.001');
      expect(await lineOf(page, 'control-lr-message')).toBeNull();
      // text that is no number keeps the value, saying so
      await typeInto(page, 'control-lr', '1.000,5');
      expect(await pollUntil(() => lineOf(page, 'control-lr-message'), (t) => t !== null, 10_000)).toBe('“1.000,5” is not a number: kept 0.001.');
      expect(new URL(page.url()).searchParams.get('lr')).toBe('0.001');
      await typeInto(page, 'control-width', '1,5');
      expect(await pollUntil(() => lineOf(page, 'control-width-message'), (t) => t !== null, 10_000)).toBe('1,5 is not a whole number: set to 2.');
      expect(await pollUntil(() => Promise.resolve(new URL(page.url()).searchParams.get('width')), (w) => w === '2', 10_000)).toBe('2');
      await screenshot(page, '26-decimal-comma');
      // every other number field of the pages is the same field (tests/noNumberInputs.test.ts):
      // the transport's N, the inside view's test image, the Learn lab's baseline and rewards
      await typeInto(page, 'step-n-count', '2,5');
      expect(await pollUntil(() => lineOf(page, 'step-n-count-message'), (t) => t !== null, 10_000)).toBe('2,5 is not a whole number: set to 3.');
      expect(await page.inputValue('[data-testid="step-n-count"]')).toBe('3');
      await page.click('[data-testid="step-n"]');
      expect(await pollUntil(() => lineOf(page, 'status-updates'), (t) => t === '3', 30_000)).toBe('3');
      await page.waitForSelector('[data-testid="inspect-index"]');
      await typeInto(page, 'inspect-index', '1000');
      expect(await pollUntil(() => lineOf(page, 'inspect-index-message'), (t) => t !== null, 10_000)).toBe(
        '1000 is more than the largest allowed, 399 (the test set has 400 images, numbered from 0): set to 399.',
      );
      expect(await page.inputValue('[data-testid="inspect-index"]')).toBe('399');
      await page.goto(`${served?.url ?? ''}learn.html?view=lab`);
      await page.waitForSelector('input[aria-label="baseline"]');
      await typeInto(page, '', '0,25', 'input[aria-label="baseline"]');
      expect(await pollUntil(() => Promise.resolve(new URL(page.url()).searchParams.get('b')), (b) => b === '0.25', 10_000)).toBe('0.25');
      await page.goto(`${served?.url ?? ''}learn.html`);
      await page.waitForSelector('input[aria-label="reward 1"]');
      await typeInto(page, '', '1,5e3', 'input[aria-label="reward 1"]');
      expect(await pollUntil(() => page.evaluate(() => document.querySelector('input[aria-label="reward 1"] + .field-message')?.textContent ?? null), (t) => t !== null, 10_000)).toBe(
        '1,5e3 is more than the largest allowed, 100: set to 100.',
      );
      expect(await pollUntil(() => Promise.resolve(new URL(page.url()).searchParams.get('r')?.split(',')[0] ?? null), (r) => r === '100', 10_000)).toBe('100');
      await screenshot(page, '26-decimal-comma-learn');
      expect(browser.errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('plain HTTP on a name that is not localhost (an insecure context, as on a LAN address)', () => {
  it('names the insecure context as the reason for no WebGPU, and Copy link says whether it copied', async () => {
    const lan = await serveFolderAt(served?.outDir ?? '', '/');
    const port = new URL(lan.url).port;
    const browser = await launch(['--host-resolver-rules=MAP hnca-lan.test 127.0.0.1']);
    try {
      const page = await browser.context.newPage();
      await page.goto(`http://hnca-lan.test:${port}/?task=patterns&engine=webgpu`);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
      const header = await waitForEngine(page);
      expect(header).toBe(`CPU engine — WebGPU unavailable: this page is not a secure context (http://hnca-lan.test:${port}); browsers offer WebGPU only over https:// or on localhost`);
      await page.click('[data-testid="copy-link"]');
      const said = await pollUntil(
        async () => ({ button: await lineOf(page, 'copy-link'), message: await lineOf(page, 'copy-link-message') }),
        (s) => s.button === 'Link copied' || s.message !== null,
        10_000,
      );
      // either the copy command worked (then the clipboard holds the link) or the page says why not
      if (said.message === null) expect(said.button).toBe('Link copied');
      else expect(said.message).toMatch(/^Not copied: .*\. The address bar holds the link: copy it from there\.$/);
      await screenshot(page, '27-insecure-context');
      expect(browser.errors).toEqual([]);
    } finally {
      await browser.close();
      await lan.close();
    }
  });

  it('says a denied clipboard permission in the page (no uncaught rejection)', async () => {
    const browser = await launch([]);
    try {
      const page = await browser.context.newPage();
      await page.goto(`${served?.url ?? ''}?task=patterns&engine=cpu`);
      await waitForEngine(page);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Browser.setPermission', { permission: { name: 'clipboard-write' }, setting: 'denied', origin: new URL(page.url()).origin });
      await page.click('[data-testid="copy-link"]');
      expect(await pollUntil(() => lineOf(page, 'copy-link-message'), (t) => t !== null, 10_000)).toBe(
        'Not copied: the browser denied access to the clipboard. The address bar holds the link: copy it from there.',
      );
      expect(await lineOf(page, 'copy-link')).toBe('Copy link to this configuration');
      expect(browser.errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
