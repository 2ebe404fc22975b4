// The Learn view in Chromium: a lesson URL opens at its step and shows the engine's numbers;
// stepping forward and back (buttons and keys) keeps the URL in sync; the zero-weight preset
// shows zero HNCA credit; the lab's running means come within 3 SE of the exact gradient.
import { HANG_MS } from '../browser/harness.ts';
import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainUpdate, lessonSource } from '../../src/models/bandit/explain.ts';
import { exactGradient } from '../../src/models/bandit/exactLab.ts';
import { lessonNetwork, presetLesson } from '../../src/app/learn/model/lesson.ts';
import { buildSteps, revealedAt } from '../../src/app/learn/model/steps.ts';
import { getPreset, PRESET_IDS } from '../../src/app/learn/model/presets.ts';
import { nodeNumbers, stepNumbers } from '../../src/app/learn/model/shown.ts';
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

/** Every [data-key] number on the page, as { key: value }. */
async function pageNumbers(): Promise<Map<string, number>> {
  const pairs = await h.page.$$eval('[data-key]', (els) => els.map((e) => [e.getAttribute('data-key') ?? '', Number(e.getAttribute('data-value'))] as const));
  return new Map(pairs);
}

function expectedNumbers(preset: Parameters<typeof presetLesson>[0], seed: number, step: number): Map<string, number> {
  const { problem, params } = lessonNetwork({ ...presetLesson(preset), seed });
  const sizes = problem.shape.sizes;
  const trace = explainUpdate(params, problem, lessonSource(seed, sizes.length - 2));
  const steps = buildSteps(sizes);
  const out = new Map<string, number>();
  for (const n of stepNumbers(trace, sizes, steps[step])) out.set(n.key, n.value);
  const r = revealedAt(steps, step);
  sizes.forEach((count, col) => {
    for (let i = 0; i < count; i++) for (const n of nodeNumbers(trace, sizes, r, col, i)) out.set(n.key, n.value);
  });
  return out;
}

async function expectStep(step: number, preset: Parameters<typeof presetLesson>[0], seed: number): Promise<void> {
  await h.page.waitForSelector(`[data-step="${step}"]`);
  expect(new URL(h.page.url()).searchParams.get('step')).toBe(String(step));
  const shown = await pageNumbers();
  const expected = expectedNumbers(preset, seed, step);
  for (const [key, value] of expected) {
    expect(shown.has(key), key).toBe(true);
    expect(Math.abs((shown.get(key) ?? Number.NaN) - value), key).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
  }
}

describe('Learn view in Chromium', () => {
  it('a lesson URL opens at its step with the engine numbers; next/back and ←/→ walk every step', async () => {
    const seed = 3;
    const count = buildSteps([4, 3, 3, 3]).length;
    await h.page.goto(`${h.baseUrl}/learn.html?preset=default&step=9&seed=${seed}`);
    await expectStep(9, 'default', seed);
    expect(await h.page.textContent('[data-testid="step-count"]')).toBe(`step 10 / ${count}`);
    expect(await h.page.textContent('[data-testid="step-title"]')).toContain('Messages to h2.1');
    expect(await h.page.$$eval('.katex', (els) => els.length)).toBeGreaterThanOrEqual(2);
    await h.page.hover('.detail [data-key="flipz/1/0/0"]');
    expect(await h.page.textContent('[data-testid="explanation"]')).toContain('z + w·Δ');
    await shot(h.page, 'step-09-url-open');
    await h.page.click('[data-testid="next"]');
    await expectStep(10, 'default', seed);
    await h.page.click('[data-testid="back"]');
    await h.page.click('[data-testid="back"]');
    await expectStep(8, 'default', seed);
    await h.page.keyboard.press('ArrowRight');
    await expectStep(9, 'default', seed);
    // walk the whole lesson from the start, checking and photographing every step
    await h.page.goto(`${h.baseUrl}/learn.html?preset=default&step=0&seed=${seed}`);
    for (let step = 0; step < count; step++) {
      await expectStep(step, 'default', seed);
      await shot(h.page, `step-${String(step).padStart(2, '0')}`);
      if (step + 1 < count) await h.page.click('[data-testid="next"]');
    }
    expect(await h.page.isDisabled('[data-testid="next"]')).toBe(true);
    // an edited weight goes into the URL, so the edited lesson is a link too
    await h.page.selectOption('select[aria-label="weight"]', { label: 'h1.2→h2.3' });
    // a number field commits on Enter or when it loses focus (src/app/components/NumberField.tsx)
    await h.page.fill('input[aria-label="weight value"]', '-2.5');
    await h.page.press('input[aria-label="weight value"]', 'Enter');
    await h.page.waitForFunction(() => new URL(window.location.href).searchParams.has('w'));
    const edited = h.page.url();
    await h.page.goto(edited);
    await h.page.selectOption('select[aria-label="weight"]', { label: 'h1.2→h2.3' });
    expect(await h.page.inputValue('input[aria-label="weight value"]')).toBe('-2.5');
    // dragging an edge up by 50 px raises its weight by 1 (x4→h1.3: drawn last in its layer, so on top)
    const box = await h.page.locator('[data-edge="0/3/2"]').boundingBox();
    if (!box) throw new Error('edge x4→h1.3 not drawn');
    const before = presetLesson('default').weights[11];
    await h.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await h.page.mouse.down();
    await h.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 25, { steps: 3 });
    await h.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 50, { steps: 3 });
    await h.page.mouse.up();
    expect(await h.page.inputValue('select[aria-label="weight"]')).toBe('11');
    expect(Number(await h.page.inputValue('input[aria-label="weight value"]'))).toBeCloseTo(before + 1, 5);
    await shot(h.page, 'weight-dragged');
    expect(h.errors).toEqual([]);
  });

  it('the zero-weight preset shows zero HNCA credit for the unit that cannot matter', async () => {
    const steps = buildSteps([4, 3, 3, 3]);
    const credit = steps.findIndex((s) => s.kind === 'credit' && s.layer === 0 && s.unit === 1);
    for (const seed of [1, 2]) {
      await h.page.goto(`${h.baseUrl}/learn.html?preset=zero-weights&step=${credit}&seed=${seed}`);
      await expectStep(credit, 'zero-weights', seed);
      const text = await h.page.textContent('.detail [data-key="credit/0/1"]');
      expect(text).toBe('0');
      expect((await pageNumbers()).get('credit/0/1')).toBe(0);
    }
    await shot(h.page, 'zero-weights-credit');
    const last = steps.length - 1;
    await h.page.goto(`${h.baseUrl}/learn.html?preset=zero-weights&step=${last}&seed=2`);
    await expectStep(last, 'zero-weights', 2);
    await shot(h.page, 'zero-weights-gradients');
    expect(h.errors).toEqual([]);
  });

  it('every preset renders its lesson (messages to h1.1, then the lab)', async () => {
    for (const preset of PRESET_IDS) {
      const sizes = getPreset(preset).sizes;
      const step = buildSteps(sizes).findIndex((s) => s.kind === 'messages' && s.layer === 0 && s.unit === 0);
      await h.page.goto(`${h.baseUrl}/learn.html?preset=${preset}&step=${step}&seed=1`);
      await expectStep(step, preset, 1);
      await shot(h.page, `preset-${preset}`);
    }
    expect(h.errors).toEqual([]);
  });

  it('the lab: K = 2000 running means of every estimator come within 3 standard errors of the exact gradient', async () => {
    const param = 14; // bias of h1.3
    await h.page.setViewportSize({ width: 1280, height: 1100 }); // the whole lab in one screenshot
    const { problem, params } = lessonNetwork(presetLesson('default'));
    const exact = exactGradient(params, problem).gradient[param];
    await h.page.goto(`${h.baseUrl}/learn.html?preset=default&view=lab&k=2000&speed=500&param=${param}`);
    await h.page.waitForSelector('[data-testid="lab-count"][data-done="true"]', { timeout: HANG_MS });
    expect(Number(await h.page.getAttribute('[data-testid="lab-exact"]', 'data-value'))).toBeCloseTo(exact, 12);
    const rows = await h.page.$$eval('tr[data-estimator]', (els) => els.map((e) => ({ est: e.getAttribute('data-estimator'), mean: Number(e.getAttribute('data-mean')), se: Number(e.getAttribute('data-se')) })));
    expect(rows.length).toBe(4);
    for (const row of rows) {
      expect(row.se, String(row.est)).toBeGreaterThan(0);
      expect(Math.abs(row.mean - exact), String(row.est)).toBeLessThanOrEqual(3 * row.se);
    }
    expect(await h.page.$$eval('.recharts-wrapper', (els) => els.length)).toBe(6);
    await shot(h.page, 'lab-default');
    await h.page.goto(`${h.baseUrl}/learn.html?preset=zero-weights&view=lab&k=500&speed=500&param=1`);
    await h.page.waitForSelector('[data-testid="lab-count"][data-done="true"]', { timeout: HANG_MS });
    await shot(h.page, 'lab-zero-weights');
    await h.page.setViewportSize({ width: 1280, height: 800 });
    expect(h.errors).toEqual([]);
  });
});
