// Golden results (issue 10): `hnca train` for fixed seeds must give the recorded results.
// Counts and accuracies (which follow from the samples and actions) must match exactly;
// real-valued metrics to GOLDEN_RELATIVE_TOLERANCE (0 = bit for bit).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { GOLDEN_CASES, goldenPart } from './golden/cases.ts';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';

/** 1e-6 since the log-domain credit (issue 10): its fast-path bounds may move low bits; that commit says why. */
const GOLDEN_RELATIVE_TOLERANCE = 1e-6;
/** fields whose values are determined by the samples and actions alone: always exact */
const EXACT_FIELDS = new Set(['epoch', 'updates', 'finite', 'trainAccuracy', 'testAccuracy', 'estimator', 'seed', 'k']);

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-golden-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Differences between two JSON values, as "path: got vs want" lines. */
function goldenDifferences(got: unknown, want: unknown, tolerance: number, at = '$', field = ''): string[] {
  if (typeof want === 'number' && typeof got === 'number') {
    if (Object.is(got, want)) return [];
    const relative = Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
    if (!EXACT_FIELDS.has(field) && relative <= tolerance) return [];
    return [`${at}: ${got} vs ${want} (relative ${relative.toExponential(2)})`];
  }
  if (Array.isArray(want) && Array.isArray(got)) {
    if (got.length !== want.length) return [`${at}: length ${got.length} vs ${want.length}`];
    return want.flatMap((w, i) => goldenDifferences(got[i], w, tolerance, `${at}[${i}]`, field));
  }
  if (want !== null && typeof want === 'object' && got !== null && typeof got === 'object') {
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    return [...keys].flatMap((k) =>
      goldenDifferences((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], tolerance, `${at}.${k}`, k),
    );
  }
  return Object.is(got, want) ? [] : [`${at}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`];
}

describe('golden results of hnca train (recorded before the engine restructuring)', () => {
  it('the comparison itself catches a changed low bit, a changed accuracy and a missing field', () => {
    expect(goldenDifferences({ a: 1.0000000000000002 }, { a: 1 }, 0)).toHaveLength(1);
    expect(goldenDifferences({ a: 1.0000001 }, { a: 1 }, 1e-6)).toHaveLength(0);
    expect(goldenDifferences({ trainAccuracy: 0.5000001 }, { trainAccuracy: 0.5 }, 1e-6)).toHaveLength(1);
    expect(goldenDifferences({}, { a: 1 }, 1e-6)).toHaveLength(1);
  });

  for (const c of GOLDEN_CASES) {
    it(`${c.name} matches tests/golden/fixtures/${c.name}.json`, { timeout: 120_000 }, async () => {
      if (c.gpu) skipWithoutNodeWebgpu();
      const out = path.join(tmp, `${c.name}.json`);
      const errors: string[] = [];
      const io = { stdout: { write: () => undefined, isTTY: false }, stderr: (t: string) => void errors.push(t) };
      const status = await main(['train', ...c.argv, '--out', out], io);
      expect(errors.join('')).toBe('');
      expect(status).toBe(0);
      const got = goldenPart(JSON.parse(readFileSync(out, 'utf8')));
      const want: unknown = JSON.parse(readFileSync(path.join(import.meta.dirname, 'golden', 'fixtures', `${c.name}.json`), 'utf8'));
      expect(goldenDifferences(got, want, GOLDEN_RELATIVE_TOLERANCE).slice(0, 10)).toEqual([]);
    });
  }
});
