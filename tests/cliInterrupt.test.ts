// Ctrl-C and SIGTERM keep every finished epoch (issue 15): the real command as a child process.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-int-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const long = ['--estimator', 'hnca', '--epochs', '500', '--train-limit', '1000', '--test-limit', '50', '--width', '16', '--engine', 'cpu'];

/** Starts hnca, sends `signal` once stdout has shown `waitFor`, resolves with the exit code and output. */
function interruptAfter(args: string[], waitFor: RegExp, signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'hnca.mjs'), ...args], { cwd: tmp });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 90 s; stdout: ${stdout.slice(-500)}`));
    }, 90_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sent && waitFor.test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('interrupting a run', () => {
  it('SIGINT after two epochs: exit 130, the JSON holds the finished epochs marked interrupted, the JSON Lines file too', { timeout: 120_000 }, async () => {
    const out = path.join(tmp, 'int.json');
    const r = await interruptAfter(['train', ...long, '--out', out], /^epoch 2\/500 /m, 'SIGINT');
    expect(r.stderr).toMatch(/SIGINT received: stopping after the update in progress/);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/interrupted \(SIGINT\) after \d+ finished epochs; wrote .*int\.json/);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc).toMatchObject({ interrupted: true, signal: 'SIGINT' });
    const epochs = doc.runs[0].epochs.length;
    expect(epochs).toBeGreaterThanOrEqual(2);
    expect(epochs).toBeLessThan(500);
    const lines = readFileSync(path.join(tmp, 'int.epochs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(epochs);
    expect(lines[1]).toMatchObject({ run: 0, estimator: 'hnca', seed: 0, epoch: 2, updates: doc.runs[0].epochs[1].updates });
  });

  it('SIGTERM: exit 143 with the finished epochs', { timeout: 120_000 }, async () => {
    const out = path.join(tmp, 'term.json');
    const r = await interruptAfter(['train', ...long, '--out', out], /^epoch 1\/500 /m, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ interrupted: true, signal: 'SIGTERM' });
  });

  it('reproduce: SIGINT writes the grid so far, says so in results.md, exit 130', { timeout: 120_000 }, async () => {
    const dir = path.join(tmp, 'fig1');
    const r = await interruptAfter(['reproduce', 'fig1', '--hidden', '1,2', '--seeds', '1', ...long.slice(2), '--out', dir], /^hidden 1 {2}epoch 1\/500 /m, 'SIGINT');
    expect(r.code).toBe(130);
    expect(JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'))).toMatchObject({ interrupted: true });
    expect(readFileSync(path.join(dir, 'results.md'), 'utf8')).toMatch(/Interrupted by SIGINT/);
    expect(existsSync(path.join(dir, 'epochs.jsonl'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'epochs.jsonl'), 'utf8').split('\n')[0])).toMatchObject({ hidden: 1, epoch: 1 });
  });
});
