// The first minute on any screen (issue 24), in Chromium at 390×844, 1280×800 and 1920×1080: no
// horizontal overflow and nothing drawn over anything on every task, the Learn page and the
// lab; the intro and its Play cue above the fold; full task names in the menu; `hide=` hiding
// every group it names; the classroom preset showing only what it says; Play after the end;
// help on keyboard focus; an axe-core scan with no violation. Checks are grouped into few page
// loads (the machine is slow and shared); the CPU engine (no WebGPU) keeps loads short.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { vi, describe, expect, it } from 'vitest';
import { CONTROL_NAMES } from '../../src/playground/config.ts';
import { CLASSROOM_SHOWN, PRESETS } from '../../src/app/model/presets.ts';
import { HANG_MS, playgroundSession, pollUntil, readNumber, screenshot, waitForEngine } from './harness.ts';

// waits for a state reached carry only the hang guard (HANG_MS); the test may take that long on a loaded machine
vi.setConfig({ testTimeout: 2 * HANG_MS, hookTimeout: 2 * HANG_MS });

const session = playgroundSession({ webgpu: false });
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

/** The playground's tasks as a user picks them (the categorical units are the MNIST task's option). */
const TASK_QUERIES = ['?task=mnist', '?task=patterns', '?task=vae', '?task=conv', '?task=mnist&units=categorical'];

/** Containers whose visible children must not overlap one another (bounding boxes, 1 px slack). */
const NO_OVERLAP_IN = [
  '.header',
  '.intro',
  '.layout',
  '.controls-column',
  '.results-column',
  '[data-testid="charts"]',
  '.chart-grid',
  '.vae-lower',
  '.chart',
  '.legend',
  '.transport',
  '.status',
  '.step-layout',
  '.left',
  '.right',
  '.lab-grid',
  '.lab-grid > .panel',
  '.histograms',
  '.learn-header',
];

interface LayoutReport {
  scrollWidth: number;
  innerWidth: number;
  overlaps: string[];
  /** elements sticking out of the page to the right */
  outside: string[];
}

/** Horizontal overflow, overlapping siblings and elements outside the viewport's width, measured in the page. */
async function layoutReport(page: Page): Promise<LayoutReport> {
  return page.evaluate((containers) => {
    const name = (e: Element): string => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''}`;
    const visible = (e: Element): boolean => {
      const style = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      return style.visibility !== 'hidden' && style.display !== 'none' && style.position !== 'absolute' && style.position !== 'fixed' && style.position !== 'sticky' && r.width > 0 && r.height > 0;
    };
    const overlaps: string[] = [];
    for (const selector of containers) {
      for (const container of document.querySelectorAll(selector)) {
        const children = [...container.children].filter(visible);
        const boxes = children.map((c) => c.getBoundingClientRect());
        for (let a = 0; a < boxes.length; a++)
          for (let b = a + 1; b < boxes.length; b++) {
            const p = boxes[a];
            const q = boxes[b];
            if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1) overlaps.push(`${selector}: ${name(children[a])} / ${name(children[b])}`);
          }
      }
    }
    const outside: string[] = [];
    for (const e of document.querySelectorAll('body *')) {
      if (!visible(e)) continue;
      // inside a region that scrolls on its own (a wide table or chart), sticking out is that region's business
      let scroller = e.parentElement;
      let contained = false;
      while (scroller && scroller !== document.body) {
        const overflowX = getComputedStyle(scroller).overflowX;
        if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') contained = true;
        scroller = scroller.parentElement;
      }
      if (!contained && e.getBoundingClientRect().right > window.innerWidth + 1) outside.push(name(e));
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, overlaps, outside: outside.slice(0, 10) };
  }, NO_OVERLAP_IN);
}

function expectCleanLayout(report: LayoutReport, where: string): void {
  expect({ where, scrollWidth: report.scrollWidth, overlaps: report.overlaps, outside: report.outside }).toEqual({ where, scrollWidth: report.innerWidth, overlaps: [], outside: [] });
}

/** Whether an element is on screen without scrolling (its top line at least). */
async function aboveTheFold(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.top + 16 <= window.innerHeight && r.height > 0;
  });
}

/** The Theorem 1 chart's parameter names: consecutive labels at least 12 px apart (no pile-up). */
async function ratioLabelGaps(page: Page): Promise<number> {
  return page.$$eval('.ratio-scroll .recharts-xAxis .recharts-cartesian-axis-tick', (ticks) => {
    const xs = ticks.map((t) => t.getBoundingClientRect().right).sort((a, b) => a - b);
    return Math.min(...xs.slice(1).map((x, i) => x - xs[i]));
  });
}

describe('the first minute, on any screen', () => {
  for (const size of SIZES) {
    it(`at ${size.width}×${size.height}: every task, Learn and the lab fit the width, nothing overlaps, the intro and Play cue are above the fold`, async () => {
      const page = await session.newPage();
      await page.setViewportSize(size);
      for (const query of TASK_QUERIES) {
        await page.goto(`${session.url}${query}&engine=cpu`);
        await waitForEngine(page, 90_000);
        await page.waitForSelector('[data-testid="chart-accuracy"], [data-testid="chart-elbo"]');
        expect(await aboveTheFold(page, '[data-testid="intro-what"]'), `${query}: intro above the fold`).toBe(true);
        expect(await aboveTheFold(page, '[data-testid="play-cue"]'), `${query}: Play cue above the fold`).toBe(true);
        expectCleanLayout(await layoutReport(page), `${query} at ${size.width}`);
        if (query === '?task=mnist') await screenshot(page, `first-minute-mnist-${size.width}`);
      }
      // the configuration opens on a phone too, and still fits
      if (size.width < 800) await page.click('[data-testid="controls"] > summary');
      expectCleanLayout(await layoutReport(page), `configuration open at ${size.width}`);
      // full task names: each fits the menu's closed width
      const cut = await page.$eval('[data-testid="control-task"]', (select) => {
        const s = select as HTMLSelectElement;
        const style = getComputedStyle(s);
        const context = document.createElement('canvas').getContext('2d');
        if (!context) return ['no canvas'];
        context.font = `${style.fontSize} ${style.fontFamily}`;
        // the text box: the width less the padding, the border and the arrow (about 20 px)
        const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
        return [...s.options].filter((o) => context.measureText(o.text).width > room).map((o) => o.text);
      });
      expect(cut).toEqual([]);
      for (const view of ['', '?view=lab']) {
        await page.goto(`${session.url}learn.html${view}`);
        await page.waitForSelector(view ? '[data-testid="lab-count"]' : '[data-testid="step-plain"]');
        await page.waitForTimeout(800); // a chunk of lab samples: the charts have data
        expectCleanLayout(await layoutReport(page), `learn${view} at ${size.width}`);
        if (view) expect(await ratioLabelGaps(page)).toBeGreaterThanOrEqual(12);
        else expect(await page.textContent('[data-testid="step-plain"]')).toMatch(/^The network is shown one input/);
      }
      expect(session.errors).toEqual([]);
      await page.close();
    });
  }
});

describe('presenter and classroom links', () => {
  it('hide= hides each group it names; every group shows by default', async () => {
    const page = await session.newPage();
    const groups = async (): Promise<string[]> => page.$$eval('[data-group]', (es) => [...new Set(es.map((e) => e.getAttribute('data-group') ?? ''))].sort());
    // the paper's lines are labelled in the chart's key under the plot (MarkerKey), not on it
    const paperLabels = (): Promise<number> => page.$$eval('[data-testid="chart-key-accuracy"] li', (items) => items.filter((i) => (i.textContent ?? '').startsWith('paper ')).length);
    // the bandit shows every group but the VAE's two settings; the VAE shows those
    await page.goto(`${session.url}?engine=cpu&paper=1`);
    await waitForEngine(page, 90_000);
    await page.waitForSelector('[data-testid="inside-network"]');
    const bandit = await groups();
    expect(bandit).toEqual(CONTROL_NAMES.filter((c) => c !== 'layers' && c !== 'k' && c !== 'notes').sort());
    expect(await page.isVisible('.legend-note')).toBe(true);
    expect(await paperLabels()).toBe(2);
    await page.goto(`${session.url}?task=vae&engine=cpu`);
    await waitForEngine(page, 90_000);
    expect(await groups()).toEqual(expect.arrayContaining(['layers', 'k']));
    // all hidden: no group left, the notes and the paper's lines gone, Play / step / reset still there
    await page.goto(`${session.url}?engine=cpu&paper=1&hide=${CONTROL_NAMES.join(',')}`);
    await page.waitForSelector('[data-testid="play"]:not([disabled])', { timeout: HANG_MS });
    await page.waitForSelector('[data-testid="chart-accuracy"]');
    expect(await groups()).toEqual([]);
    expect(await page.isVisible('.legend-note')).toBe(false);
    expect(await paperLabels()).toBe(0);
    expect(await page.$('[data-testid="controls"]')).toBeNull();
    for (const id of ['play', 'step-one', 'step-n', 'reset-same', 'reset-new']) expect(await page.isVisible(`[data-testid="${id}"]`)).toBe(true);
    // one group at a time, the rest stay
    await page.goto(`${session.url}?engine=cpu&hide=speed,model,engine-line`);
    await page.waitForSelector('[data-testid="play"]:not([disabled])', { timeout: HANG_MS }); // (no engine line to wait on)
    await page.waitForSelector('[data-testid="control-lr"]');
    expect(await groups()).toEqual(bandit.filter((g) => !['speed', 'model', 'engine-line'].includes(g)));
    // larger type for a projector
    await page.goto(`${session.url}?task=patterns&engine=cpu&large=1`);
    await waitForEngine(page, 90_000);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('20px');
    expectCleanLayout(await layoutReport(page), 'large type at 1280');
    await page.close();
  });

  it('the classroom preset shows only what its description names, starts at 50 updates/s and shows the four patterns', async () => {
    const page = await session.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${session.url}${PRESETS[0].query}`);
    await page.waitForSelector('[data-testid="play"]:not([disabled])', { timeout: HANG_MS });
    await page.waitForSelector('[data-testid="inside-network"]');
    const groups = await page.$$eval('[data-group]', (es) => [...new Set(es.map((e) => e.getAttribute('data-group') ?? ''))].sort());
    expect(groups).toEqual([...CLASSROOM_SHOWN].sort());
    expect(await page.$$('[data-testid="pattern-classes"] li')).toHaveLength(4);
    // the controls column holds the transport only
    const controls = await page.$$eval('.controls-column button, .controls-column input, .controls-column select, .controls-column a', (es) =>
      es.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getAttribute('data-testid') ?? e.textContent ?? ''),
    );
    expect(controls.sort()).toEqual(['play', 'reset-new', 'reset-same', 'step-n', 'step-n-count', 'step-one']);
    expect(await page.isVisible('[data-testid="engine-status"]')).toBe(false);
    await screenshot(page, 'first-minute-classroom');
    await page.close();
  });
});

describe('play after the end', () => {
  it('a finished run offers "train 1 more epoch" and Reset; the button and the status agree, and training goes on from where it stopped', async () => {
    const page = await session.newPage();
    await page.goto(`${session.url}?task=patterns&engine=cpu&epochs=1`);
    await waitForEngine(page, 90_000);
    await page.click('[data-testid="intro-play"]');
    await page.waitForSelector('[data-testid="train-more"]', { timeout: HANG_MS });
    expect(await page.textContent('[data-testid="status-state"]')).toBe('finished');
    expect(await page.getAttribute('[data-testid="transport"]', 'data-state')).toBe('finished');
    expect(await page.$('[data-testid="pause"]')).toBeNull();
    expect(await page.textContent('[data-testid="train-more"]')).toBe('▶ Train 1 more epoch');
    expect(await page.isVisible('[data-testid="reset-same"]')).toBe(true);
    const updates = await readNumber(page, 'status-updates');
    expect(updates).toBe(125); // 2000 patterns / batch 16
    await page.click('[data-testid="train-more"]');
    expect(await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 250, 60_000)).toBe(250);
    await page.waitForSelector('[data-testid="train-more"]', { timeout: HANG_MS });
    expect(await page.textContent('[data-testid="train-more"]')).toBe('▶ Train 2 more epochs');
    expect(await page.evaluate(() => window.location.search)).toContain('epochs=2');
    expect(session.errors).toEqual([]);
    await page.close();
  });
});

describe('keyboard and screen readers', () => {
  it('a control’s help shows on keyboard focus and is its description; focus rings show', async () => {
    const page = await session.newPage();
    await page.goto(`${session.url}?task=patterns&engine=cpu`);
    await waitForEngine(page, 90_000);
    await page.focus('[data-testid="control-lr"]');
    const help = await page.$eval('[data-testid="control-lr"]', (input) => {
      const ids = (input.getAttribute('aria-describedby') ?? '').split(' ');
      const tip = document.getElementById(ids[0]);
      return { text: tip?.textContent ?? '', visibility: tip ? getComputedStyle(tip).visibility : 'none' };
    });
    expect(help.text).toMatch(/^Learning rate α/);
    expect(help.visibility).toBe('visible');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const e = document.activeElement;
      return e ? getComputedStyle(e).outlineStyle : 'none';
    });
    expect(outline).not.toBe('none');
    await page.close();
  });

  it('axe-core finds no violation on the playground, the Learn page and the lab', async () => {
    const page = await session.newPage();
    const scan = async (): Promise<string[]> => {
      await page.addScriptTag({ path: AXE });
      return page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
        const result = await axe.run(document);
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 4).join(' ')}`);
      });
    };
    await page.goto(`${session.url}?task=patterns&engine=cpu`);
    await waitForEngine(page, 90_000);
    await page.fill('[data-testid="step-n-count"]', '60');
    await page.click('[data-testid="step-n"]');
    await pollUntil(() => readNumber(page, 'status-updates'), (u) => u === 60, 60_000);
    await page.waitForSelector('[data-testid="actions-hnca"]', { timeout: HANG_MS });
    expect(await scan()).toEqual([]);
    await page.goto(`${session.url}learn.html`);
    await page.waitForSelector('[data-testid="step-plain"]');
    expect(await scan()).toEqual([]);
    await page.goto(`${session.url}learn.html?view=lab`);
    await page.waitForSelector('[data-testid="lab-count"]');
    await page.waitForTimeout(800);
    expect(await scan()).toEqual([]);
    await page.close();
  });
});
