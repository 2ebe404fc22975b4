// Plain output where the terminal cannot redraw: TERM=dumb and NO_COLOR (issue 15).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from './helpers/nodeWebgpuMissing.ts';
import { canRedraw } from '../src/cli/progress.ts';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-term-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('canRedraw', () => {
  it('redraws only on a terminal that is not dumb and without NO_COLOR', () => {
    expect(canRedraw(true, { TERM: 'xterm-256color' })).toBe(true);
    expect(canRedraw(true, {})).toBe(true);
    expect(canRedraw(true, { TERM: 'xterm', NO_COLOR: '' })).toBe(true);
    expect(canRedraw(false, { TERM: 'xterm' })).toBe(false);
    expect(canRedraw(undefined, { TERM: 'xterm' })).toBe(false);
    expect(canRedraw(true, { TERM: 'dumb' })).toBe(false);
    expect(canRedraw(true, { TERM: 'xterm', NO_COLOR: '1' })).toBe(false);
  });
});

// `script` (bsdutils, on every Debian machine) gives the command a pseudo-terminal, as a user's shell would.
describe('hnca train on a pseudo-terminal', () => {
  const run = (env: Record<string, string>): string => {
    requireTools([{ kind: 'command', command: '/usr/bin/script' }]);
    const command = [process.execPath, path.join(root, 'bin', 'hnca.mjs'), 'train', '--estimator', 'hnca', '--epochs', '1', '--train-limit', '100', '--test-limit', '20', '--width', '8', '--engine', 'cpu', '--out', path.join(tmp, 'r.json')]
      .map((a) => `'${a}'`)
      .join(' ');
    const r = spawnSync('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: tmp, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '', ...env } });
    expect(r.status).toBe(0);
    return r.stdout;
  };
  it('draws the bar with escape sequences on an ordinary terminal, and none with TERM=dumb or NO_COLOR', { timeout: 90_000 }, () => {
    expect(run({ TERM: 'xterm' })).toContain('\x1b[2K');
    for (const env of [{ TERM: 'dumb' }, { TERM: 'xterm', NO_COLOR: '1' }] as Record<string, string>[]) {
      const out = run(env);
      expect(out).toMatch(/epoch 1\/1/);
      expect(out).not.toContain('\x1b');
    }
  });
});
