// Golden results (issue 10): `hnca train` for fixed seeds must give the recorded results.
// Counts and accuracies (which follow from the samples and actions) must match exactly;
// real-valued metrics to GOLDEN_RELATIVE_TOLERANCE (0 = bit for bit). A GPU fixture holds one
// adapter's numbers (fixtures/adapters.json): on another adapter (a real GPU) the case is compared
// with its CPU fixture within FLOAT32_TOLERANCE instead (the engines agree to 2.4e-7 relative on
// SwiftShader, counts and accuracies exactly).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { ADAPTERS_FILE, currentAdapter, GOLDEN_CASES, goldenPart } from './golden/cases.ts';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';

/** 1e-6 since the log-domain credit (issue 10): its fast-path bounds may move low bits; that commit says why. */
const GOLDEN_RELATIVE_TOLERANCE = 1e-6;
/** a GPU case on an adapter other than its fixture's, against the CPU fixture: float32 rounding over 20 updates */
const FLOAT32_TOLERANCE = 1e-5;
const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(import.meta.dirname, 'golden', 'fixtures', name), 'utf8'));
const recordedAdapters = fixture(ADAPTERS_FILE) as Record<string, string>;
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

  it('every GPU fixture says which adapter recorded it, and has a CPU fixture to fall back on', () => {
    for (const c of GOLDEN_CASES.filter((g) => g.gpu)) {
      expect(recordedAdapters[c.name], c.name).toMatch(/\S/);
      expect(GOLDEN_CASES.some((g) => g.name === c.name.replace(/-webgpu$/, '-cpu'))).toBe(true);
    }
    // the CPU fixtures are within FLOAT32_TOLERANCE of the SwiftShader ones: the fallback would pass there
    for (const c of GOLDEN_CASES.filter((g) => g.gpu)) {
      expect(goldenDifferences(fixture(`${c.name}.json`), fixture(`${c.name.replace(/-webgpu$/, '-cpu')}.json`), FLOAT32_TOLERANCE)).toEqual([]);
    }
  });

  for (const c of GOLDEN_CASES) {
    // the time-out only stops a hung run (SwiftShader's cases take 1–2 minutes on a loaded 2-core machine)
    it(`${c.name} matches tests/golden/fixtures/${c.name}.json`, { timeout: 300_000 }, async () => {
      if (c.gpu) skipWithoutNodeWebgpu();
      const out = path.join(tmp, `${c.name}.json`);
      const errors: string[] = [];
      const io = { stdout: { write: () => undefined, isTTY: false }, stderr: (t: string) => void errors.push(t) };
      const status = await main(['train', ...c.argv, '--out', out], io);
      expect(errors.join('')).toBe('');
      expect(status).toBe(0);
      const got = goldenPart(JSON.parse(readFileSync(out, 'utf8')));
      const adapter = c.gpu ? await currentAdapter() : null;
      if (c.gpu && adapter !== recordedAdapters[c.name]) {
        // another adapter: its float32 rounding differs; the CPU engine's fixture within float32 tolerance
        const cpuName = c.name.replace(/-webgpu$/, '-cpu');
        console.log(`${c.name}: adapter ${adapter}, fixture recorded on ${recordedAdapters[c.name]}: compared with ${cpuName}.json within ${FLOAT32_TOLERANCE}`);
        expect(goldenDifferences(got, fixture(`${cpuName}.json`), FLOAT32_TOLERANCE).slice(0, 10)).toEqual([]);
        return;
      }
      expect(goldenDifferences(got, fixture(`${c.name}.json`), GOLDEN_RELATIVE_TOLERANCE).slice(0, 10)).toEqual([]);
    });
  }
});
