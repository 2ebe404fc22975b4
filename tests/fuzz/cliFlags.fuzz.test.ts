// Property tests of the hnca command line (issue 15): any flags give either a run or exit 2 with
// one line naming the problem, never a stack trace. Runs that pass validation open a fake engine
// and stop at once (a pretend Ctrl-C), so only parsing and validation are exercised.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { REPRODUCE_APPENDIX_E_FLAGS, REPRODUCE_FIG1_FLAGS, REPRODUCE_FIG3_FLAGS, TRAIN_FLAGS } from '../../src/cli/options.ts';
import type { Io } from '../../src/cli/session.ts';
import { FakeEngine } from '../helpers/fakeEngine.ts';
import { writeTinyMnist } from '../helpers/tinyMnist.ts';
import { fuzzRuns } from './runs.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const data = writeTinyMnist(path.join(tmp, 'mnist'));

async function run(argv: string[]): Promise<{ status: number; err: string }> {
  let err = '';
  const io: Io = {
    stdout: { write: () => undefined, isTTY: false },
    stderr: (t) => void (err += t),
    openEngine: async (_choice, input) => ({ engine: new FakeEngine(input), why: 'fake engine (fuzz)' }),
    interrupt: { requested: () => 'SIGINT' },
  };
  const status = await main(argv, io);
  return { status, err };
}

const NAMES = [...new Set([...TRAIN_FLAGS, ...REPRODUCE_FIG1_FLAGS, ...REPRODUCE_FIG3_FLAGS, ...REPRODUCE_APPENDIX_E_FLAGS].map((f) => f.name))].filter((n) => n !== 'data' && n !== 'out');
const value = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom('', '-1', '0', '1', '2', '1e999', '0x10', '1,2', '1,,2', 'all', 'hnca', 'reinforce,hnca', 'fhnca', 'cpu', 'auto', 'vae', 'bandit', 'conv-bandit', 'pm1', '01', 'sgd', '--', '-'),
);
const flag = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...NAMES), value).map(([n, v]) => [`--${n}`, v]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NAMES), value).map(([n, v]) => [`--${n}=${v}`]) },
  { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((n) => [`--${n}`]) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => [s]) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => [`--${s}`]) },
);
const command = fc.constantFrom(['train'], ['reproduce', 'fig1'], ['reproduce', 'fig3'], ['reproduce', 'appendix-e']);
const argvs = fc.tuple(command, fc.array(flag, { maxLength: 6 })).map(([c, flags]) => [...c, ...flags.flat()]);

/** Exit 2 must come with exactly one line "hnca: …" and no stack frame. */
function checkOutcome(argv: string[], status: number, err: string): void {
  const context = `hnca ${argv.join(' ')} → ${status}: ${err}`;
  if (status === 2) {
    expect(err, context).toMatch(/^hnca: [^\n]+\n$/);
  } else {
    expect([0, 130], context).toContain(status);
    expect(err, context).toBe('');
  }
  expect(err, context).not.toMatch(/\n\s+at /);
}

/** Per test: 120 s, or 30 ms a case when more (10 000 cases took 64 s on a loaded 2-core machine). */
const timeout = Math.max(120_000, fuzzRuns(200) * 30);

describe('hnca flags, fuzzed', () => {
  it('any flags: a run or exit 2 with one line, never a stack trace', { timeout }, async () => {
    await fc.assert(
      fc.asyncProperty(argvs, async (argv) => {
        const full = [...argv, '--data', data, '--out', path.join(tmp, argv[0] === 'train' ? 'r.json' : 'grid')];
        const { status, err } = await run(full);
        checkOutcome(full, status, err);
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  it('one out-of-range or malformed number: exit 2, and the line names that flag', { timeout }, async () => {
    const numeric = ['width', 'batch', 'epochs', 'seeds', 'seed', 'threads', 'train-limit', 'test-limit', 'eval-every', 'hidden'];
    const bad = fc.oneof(fc.constantFrom('-1', '0.5', 'abc', '1e999', '', 'NaN', '99999999999999999999'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }).filter((s) => !/^\s*\d+\s*$/.test(s)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...numeric), bad, async (name, text) => {
        const argv = ['train', `--${name}`, text, '--data', data, '--out', path.join(tmp, 'r.json')];
        const { status, err } = await run(argv);
        expect(status, err).toBe(2);
        expect(err).toMatch(new RegExp(`^hnca: [^\\n]*--${name}\\b[^\\n]*\\n$`));
      }),
      { numRuns: fuzzRuns(200) },
    );
  });
});
