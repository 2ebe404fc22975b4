// The VAE lesson (learn.html?lesson=vae) in Chromium at 1280 and 390 px: a lesson URL opens at its
// step with the engine's numbers (explainVaeUpdate on the same draws); next/back/keys walk every
// step and keep the URL in sync; choosing a unit and editing go into the URL; nothing is wider than
// the phone screen; the lab's running means come within 4 SE of the exact gradient with f-HNCA's
// sample variance below REINFORCE's. Screenshots go to test-artifacts/learn/vae-*.png.
import { HANG_MS } from '../browser/harness.ts';
import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainVaeUpdate, lessonDraws } from '../../src/models/vae/explain.ts';
import { VAE_STEPS, vaeLessonParams, vaePresetLesson, type VaePresetId } from '../../src/app/learn/vae/lesson.ts';
import { vaeStepView } from '../../src/app/learn/vae/shown.ts';
import { shot, startHarness, type Harness } from './harness.ts';

// waits for a state reached carry only the hang guard (HANG_MS); the test may take that long on a loaded machine
vi.setConfig({ testTimeout: 2 * HANG_MS, hookTimeout: 2 * HANG_MS });

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 2 * HANG_MS);
afterAll(async () => {
  await h?.close();
});

function expected(preset: VaePresetId, seed: number, step: number, layer: number, unit: number): Map<string, number> {
  const state = vaePresetLesson(preset);
  const params = vaeLessonParams(state);
  const t = explainVaeUpdate(params, state.x, lessonDraws(params, seed), layer, unit);
  const view = vaeStepView(t, VAE_STEPS[step]);
  const out = new Map<string, number>();
  for (const n of [...view.groups.flatMap((g) => g.numbers), ...view.tables.flatMap((tb) => tb.rows.flatMap((r) => r.cells))]) out.set(n.key, n.value);
  return out;
}

async function expectStep(step: number, preset: VaePresetId, seed: number, layer: number, unit: number): Promise<void> {
  await h.page.waitForSelector(`[data-step="${step}"]`);
  expect(new URL(h.page.url()).searchParams.get('step')).toBe(String(step));
  const pairs = await h.page.$$eval('.detail [data-key]', (els) => els.map((e) => [e.getAttribute('data-key') ?? '', Number(e.getAttribute('data-value'))] as const));
  const shown = new Map(pairs);
  const want = expected(preset, seed, step, layer, unit);
  expect(want.size).toBeGreaterThan(0);
  for (const [key, value] of want) {
    expect(shown.has(key), key).toBe(true);
    expect(Math.abs((shown.get(key) ?? Number.NaN) - value), key).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
  }
  expect((await h.page.textContent('[data-testid="step-sentence"]'))?.length ?? 0).toBeGreaterThan(40);
}

/** Nothing on the page is wider than the viewport (no sideways scrolling of the page). */
async function expectNoOverflow(): Promise<void> {
  // charts resize a frame after the viewport does: wait up to 5 s for the layout to settle
  await h.page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, undefined, { timeout: 5000 }).catch(() => undefined);
  const { scroll, width } = await h.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll).toBeLessThanOrEqual(width);
}

describe('VAE lesson in Chromium', () => {
  for (const width of [1280, 390]) {
    it(`at ${width} px: a URL opens at its step; next/back/keys walk every step with the engine's numbers`, async () => {
      await h.page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
      const seed = 3;
      await h.page.goto(`${h.baseUrl}/learn.html?lesson=vae&preset=default&step=5&seed=${seed}`);
      await expectStep(5, 'default', seed, 1, 0);
      expect(await h.page.textContent('[data-testid="step-count"]')).toBe(`step 6 / ${VAE_STEPS.length}`);
      expect(await h.page.$$eval('.katex', (els) => els.length)).toBeGreaterThanOrEqual(2);
      await h.page.hover('.detail [data-key="rho1"]');
      expect(await h.page.textContent('[data-testid="explanation"]')).toContain('ρ(1) =');
      await h.page.click('[data-testid="next"]');
      await expectStep(6, 'default', seed, 1, 0);
      await h.page.click('[data-testid="back"]');
      await h.page.click('[data-testid="back"]');
      await expectStep(4, 'default', seed, 1, 0);
      await h.page.keyboard.press('ArrowRight');
      await expectStep(5, 'default', seed, 1, 0);
      await h.page.goto(`${h.baseUrl}/learn.html?lesson=vae&preset=default&step=0&seed=${seed}`);
      for (let step = 0; step < VAE_STEPS.length; step++) {
        await expectStep(step, 'default', seed, 1, 0);
        await expectNoOverflow();
        await shot(h.page, `vae-${width}-step-${step}`, width < 800);
        if (step + 1 < VAE_STEPS.length) await h.page.click('[data-testid="next"]');
      }
      expect(await h.page.isDisabled('[data-testid="next"]')).toBe(true);
      expect(h.errors).toEqual([]);
    }, 2 * HANG_MS);
  }

  it('choosing a unit (click or keyboard), a preset and an edit go into the URL; the switch leads to the bandit lesson', async () => {
    await h.page.setViewportSize({ width: 1280, height: 900 });
    await h.page.goto(`${h.baseUrl}/learn.html?lesson=vae&preset=default&step=4&seed=1`);
    await h.page.click('[data-unit="h2.2"]');
    await expectStep(4, 'default', 1, 2, 1);
    expect(new URL(h.page.url()).searchParams.get('unit')).toBe('h2.2');
    await h.page.focus('[data-unit="h1.2"]');
    await h.page.keyboard.press('Enter');
    await expectStep(4, 'default', 1, 1, 1);
    await h.page.click('[data-preset="entropy-only"]');
    await h.page.waitForFunction(() => new URL(location.href).searchParams.get('preset') === 'entropy-only');
    await expectStep(4, 'entropy-only', 1, 2, 0);
    await shot(h.page, 'vae-1280-entropy-only-children');
    await h.page.click('[data-testid="pixel-1"]');
    await h.page.waitForFunction(() => new URL(location.href).searchParams.get('x') === '1,1,1,1');
    // a malformed URL value is reported and the lesson still opens
    await h.page.goto(`${h.baseUrl}/learn.html?lesson=vae&preset=baseline&step=7&unit=h9.9`);
    expect(await h.page.textContent('.notice')).toContain('Ignored unit=h9.9');
    await expectStep(7, 'baseline', 1, 1, 0);
    await shot(h.page, 'vae-1280-baseline-signal');
    // the last step links to the lab
    await h.page.click('text=End »');
    await expectStep(8, 'baseline', 1, 1, 0);
    await h.page.click('[data-testid="to-lab"]');
    await h.page.waitForSelector('[data-testid="lab-count"]');
    expect(new URL(h.page.url()).searchParams.get('view')).toBe('lab');
    await h.page.click('[data-testid="lesson-bandit"]');
    await h.page.waitForSelector('[data-testid="lesson-bandit"][aria-current="page"]');
    expect(new URL(h.page.url()).searchParams.get('lesson')).toBeNull();
  }, 2 * HANG_MS);

  it('the lab: running means within 4 SE of the exact gradient; f-HNCA\'s sample variance below REINFORCE\'s', async () => {
    await h.page.setViewportSize({ width: 1280, height: 1100 });
    await h.page.goto(`${h.baseUrl}/learn.html?lesson=vae&preset=default&view=lab&k=1500`);
    await h.page.waitForSelector('[data-testid="lab-count"][data-done="true"]', { timeout: HANG_MS });
    const exact = Number(await h.page.getAttribute('[data-testid="lab-exact"]', 'data-value'));
    const rows = await h.page.$$eval('tr[data-estimator]', (els) => els.map((e) => ({ est: e.getAttribute('data-estimator'), mean: Number(e.getAttribute('data-mean')), se: Number(e.getAttribute('data-se')) })));
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(Math.abs(r.mean - exact), String(r.est)).toBeLessThanOrEqual(4 * r.se);
    const se = Object.fromEntries(rows.map((r) => [r.est, r.se]));
    expect(se.fhnca).toBeLessThan(se.reinforce);
    expect(se['fhnca-baseline']).toBeLessThan(se['reinforce-baseline']);
    await shot(h.page, 'vae-1280-lab');
    await h.page.setViewportSize({ width: 390, height: 844 });
    await expectNoOverflow();
    await shot(h.page, 'vae-390-lab', true);
    expect(h.errors).toEqual([]);
  }, 2 * HANG_MS);
});
