// Issue 26: each run owns its files. A run holds a lock on its output (pid and start time); a
// second process on the same output is refused in one line naming the holder; a lock left by a
// dead process is taken over with one line; --resume into another run's files sets them aside;
// the epoch log never runs ahead of the checkpoint, so after kill -9 at any point a resumed run's
// log holds every epoch exactly once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hnca } from './helpers/cliInProcess.ts';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-own-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

const base = ['train', '--estimator', 'hnca,reinforce', '--train-limit', '100', '--test-limit', '20', '--width', '6', '--batch', '20', '--lr', '0.01', '--engine', 'cpu', '--threads', '1'];

/** Starts hnca in a child process; `ready` resolves when its stdout matches `pattern`. */
function start(args: string[], pattern: RegExp): { child: ChildProcess; ready: Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'hnca.mjs'), ...args], { cwd: tmp });
  children.push(child);
  let text = '';
  const ready = new Promise<string>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve(text);
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** The (run, epoch) pairs of an epoch log, in order. */
function logPairs(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const r = JSON.parse(line) as { run: number; epoch: number };
      return `${r.run}:${r.epoch}`;
    });
}

describe('each run owns its files', () => {
  it('a second process on the same --out is refused in one line naming the holder; the first finishes untouched', { timeout: 120_000 }, async () => {
    const out = path.join(tmp, 'busy.json');
    const first = start([...base, '--epochs', '200', '--out', out], /^epoch 1\/200 /m);
    await first.ready;
    const lock = JSON.parse(readFileSync(path.join(tmp, 'busy.lock'), 'utf8')) as { pid: number; startedAt: string };
    expect(lock.pid).toBe(first.child.pid);
    const second = await hnca([...base, '--epochs', '1', '--out', out]);
    expect(second.status).toBe(2);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(`hnca: --out ${out} is in use by another run (pid ${lock.pid}, started ${lock.startedAt}: hnca train ${[...base.slice(1), '--epochs', '200', '--out', out].join(' ')}); wait for it to finish, or give another --out (if that process is gone, delete ${path.join(tmp, 'busy.lock')})\n`);
    // reproduce into a folder held by a live run: the same
    const fig = path.join(tmp, 'fig');
    writeFileSync(`${fig}.lock`, JSON.stringify({ pid: first.child.pid, startedAt: lock.startedAt, host: (await import('node:os')).hostname(), command: 'hnca reproduce fig1' }));
    const grid = await hnca(['reproduce', 'fig1', '--hidden', '1', '--seeds', '1', '--epochs', '1', '--train-limit', '100', '--test-limit', '20', '--width', '6', '--engine', 'cpu', '--out', fig]);
    expect(grid.status).toBe(2);
    expect(grid.stderr).toMatch(new RegExp(`^hnca: --out ${fig} is in use by another run \\(pid ${first.child.pid}, started .*hnca reproduce fig1\\); wait for it to finish`));
    expect(existsSync(fig)).toBe(false);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    expect(existsSync(path.join(tmp, 'busy.lock'))).toBe(false);
    // one run's records only: every (run, epoch) once
    const pairs = logPairs(path.join(tmp, 'busy.epochs.jsonl'));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(JSON.parse(readFileSync(out, 'utf8')).runs).toHaveLength(2);
    rmSync(`${fig}.lock`);
  });

  it('a lock left by a dead process is taken over with one line; a damaged one too', async () => {
    const out = path.join(tmp, 'stale.json');
    const pid = deadPid();
    writeFileSync(path.join(tmp, 'stale.lock'), JSON.stringify({ pid, startedAt: '2026-01-01T00:00:00.000Z', host: (await import('node:os')).hostname(), command: 'hnca train --out stale.json' }));
    const r = await hnca([...base, '--epochs', '1', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`took over ${path.join(tmp, 'stale.lock')}: its holder (pid ${pid}, started 2026-01-01T00:00:00.000Z: hnca train --out stale.json) is no longer running`);
    expect(existsSync(path.join(tmp, 'stale.lock'))).toBe(false);
    writeFileSync(path.join(tmp, 'stale.lock'), '{"pid":');
    const damaged = await hnca([...base, '--epochs', '1', '--out', out]);
    expect(damaged.status).toBe(0);
    expect(damaged.stdout.split('\n')[0]).toBe(`took over ${path.join(tmp, 'stale.lock')}: it named no running process (damaged)`);
  });

  it('--resume into another run\'s files sets them aside (nothing overwritten or mixed); into its own, continues', { timeout: 120_000 }, async () => {
    const a = path.join(tmp, 'a.json');
    const b = path.join(tmp, 'b.json');
    expect((await hnca([...base, '--epochs', '1', '--out', a])).status).toBe(0);
    expect((await hnca([...base, '--epochs', '1', '--seed', '9', '--out', b])).status).toBe(0);
    const bFiles = ['b.json', 'b.epochs.jsonl', 'b.checkpoint.json'].map((f) => readFileSync(path.join(tmp, f), 'utf8'));
    const resumed = await hnca(['train', '--resume', path.join(tmp, 'a.checkpoint.json'), '--epochs', '2', '--out', b]);
    expect(resumed.stderr).toBe('');
    expect(resumed.stdout).toContain("another run's b.json, b.epochs.jsonl, b.checkpoint.json moved to b.earlier-1.* beside them (nothing overwritten)");
    expect(['b.earlier-1.json', 'b.earlier-1.epochs.jsonl', 'b.earlier-1.checkpoint.json'].map((f) => readFileSync(path.join(tmp, f), 'utf8'))).toEqual(bFiles);
    // b.* now hold run a, both epochs once
    expect(logPairs(path.join(tmp, 'b.epochs.jsonl'))).toEqual(['0:1', '1:1', '0:2', '1:2']);
    const aId = JSON.parse(readFileSync(a, 'utf8')).runId as string;
    expect(JSON.parse(readFileSync(b, 'utf8')).runId).toBe(aId);
    // resuming a's first checkpoint again into b.* (now a's own files): continues there, nothing moved
    const again = await hnca(['train', '--resume', path.join(tmp, 'a.checkpoint.json'), '--epochs', '3', '--out', b]);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('moved to');
    expect(logPairs(path.join(tmp, 'b.epochs.jsonl'))).toEqual(['0:1', '1:1', '0:2', '1:2', '0:3', '1:3']);
  });

  it('kill -9 at many points, then --resume: the log is never ahead of the checkpoint, and ends with every epoch exactly once', { timeout: 300_000 }, async () => {
    const out = path.join(tmp, 'killed.json');
    const checkpoint = path.join(tmp, 'killed.checkpoint.json');
    const log = path.join(tmp, 'killed.epochs.jsonl');
    const target = 12;
    // kill at several delays after an epoch line (the checkpoint and the log line follow it by 0.1–0.3 s on a busy machine): before, during and after their writes
    const delays = [0, 150, 300, 450, 600, 800];
    let kills = 0;
    for (const delay of delays) {
      const args = existsSync(checkpoint) ? ['train', '--resume', checkpoint, '--epochs', String(target)] : [...base, '--epochs', String(target), '--out', out];
      const run = start(args, /^epoch \d+\/\d+ /m);
      await run.ready;
      await new Promise((resolve) => setTimeout(resolve, delay));
      run.child.kill('SIGKILL');
      await run.exited;
      kills += 1;
      if (!existsSync(checkpoint)) continue;
      const done = JSON.parse(readFileSync(checkpoint, 'utf8')).epochsDone as number;
      const pairs = logPairs(log);
      // never ahead; at most one epoch behind (killed between the checkpoint and the log line)
      const logged = Math.max(0, ...pairs.map((p) => Number(p.split(':')[1])));
      expect(logged).toBeLessThanOrEqual(done);
      expect(logged).toBeGreaterThanOrEqual(done - 1);
      if (done >= target) break;
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(existsSync(checkpoint)).toBe(true);
    const finish = await hnca(['train', '--resume', checkpoint, '--epochs', String(target + 1)]);
    expect(finish.stderr).toBe('');
    expect(finish.status).toBe(0);
    const expected: string[] = [];
    for (let e = 1; e <= target + 1; e++) expected.push(`0:${e}`, `1:${e}`);
    expect(logPairs(log)).toEqual(expected);
    // and the log's records are the results' records
    const results = JSON.parse(readFileSync(out, 'utf8')) as { runs: { epochs: { epoch: number; updates: number }[] }[] };
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { run: number; epoch: number; updates: number });
    for (const line of lines) expect(line.updates).toBe(results.runs[line.run].epochs[line.epoch - 1].updates);
  });
});
