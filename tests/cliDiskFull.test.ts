// Issue 26: a disk that fills during a run. The message names the path (never "?"), training
// stops, what was computed is kept in a named temporary folder, and the message says how to
// continue; resuming from the kept checkpoint ends like an uninterrupted run. As root (here and in
// CI) on a small tmpfs the test mounts in a private mount namespace; in every case also through
// an injected file-system error in this process (a byte budget under the output folder, past
// which writes fail with ENOSPC as write(2) reports it: no path).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { hnca } from './helpers/cliInProcess.ts';

/** Writes under `dir` may use `left` more bytes; then they fail with ENOSPC (armed by the injected cases only). */
const disk = vi.hoisted(() => ({ dir: '', left: Number.POSITIVE_INFINITY }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const charge = (file: unknown, data: unknown): void => {
    if (disk.dir === '' || typeof file !== 'string' || !path.resolve(file).startsWith(disk.dir)) return;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data instanceof Uint8Array ? data.byteLength : 0;
    if (bytes > disk.left) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    disk.left -= bytes;
  };
  return {
    ...fs,
    writeFileSync: (file: Parameters<typeof fs.writeFileSync>[0], data: string | NodeJS.ArrayBufferView, options?: Parameters<typeof fs.writeFileSync>[2]) => {
      charge(file, data);
      fs.writeFileSync(file, data, options);
    },
    appendFileSync: (file: Parameters<typeof fs.appendFileSync>[0], data: string | Uint8Array, options?: Parameters<typeof fs.appendFileSync>[2]) => {
      charge(file, data);
      fs.appendFileSync(file, data, options);
    },
  };
});

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-disk-'));
const kept: string[] = [];
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  for (const dir of kept) rmSync(dir, { recursive: true, force: true });
});
const isRoot = process.getuid?.() === 0;

const train = ['train', '--estimator', 'hnca,reinforce', '--train-limit', '100', '--test-limit', '20', '--width', '6', '--batch', '20', '--lr', '0.01', '--engine', 'cpu', '--threads', '1'];
// the checkpoint of this run is about 157 kB: the first fits, the second's temp file does not
const CHECKPOINT_ROOM_KB = 240;
const reproduce = ['reproduce', 'fig1', '--hidden', '1', '--seeds', '1', '--epochs', '1', '--train-limit', '100', '--test-limit', '20', '--width', '6', '--engine', 'cpu', '--threads', '1'];
// room for the lock and the epoch log, not for the results
const RESULTS_ROOM_KB = 8;

async function inProcess(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const r = await hnca(argv);
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** Runs hnca with `dir` holding `kb` KiB: a tmpfs mounted there in a private mount namespace (root), or the injected byte budget. */
async function onFullDisk(how: 'tmpfs' | 'injected', dir: string, kb: number, args: string[]): Promise<{ status: number | null; out: string; err: string }> {
  mkdirSync(dir, { recursive: true });
  if (how === 'tmpfs') {
    const quoted = [process.execPath, path.join(root, 'bin', 'hnca.mjs'), ...args].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=${kb}k tmpfs '${dir}' && exec ${quoted}`], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, out: r.stdout, err: r.stderr };
  }
  disk.dir = path.resolve(dir);
  disk.left = kb * 1024;
  try {
    return await inProcess(args);
  } finally {
    disk.dir = '';
    disk.left = Number.POSITIVE_INFINITY;
  }
}

/** Every recorded number without wall-clock seconds. */
const runsOf = (doc: { runs: { epochs: Record<string, unknown>[] }[] }): unknown => doc.runs.map((r) => ({ ...r, epochs: r.epochs.map(({ seconds: _s, evaluationSeconds: _e, ...rest }) => rest) }));

const ways: ('tmpfs' | 'injected')[] = isRoot ? ['tmpfs', 'injected'] : ['injected'];

describe('a disk that fills during a run', () => {
  let straight: unknown;

  for (const how of ways) {
    it(`train (${how}): stops after the checkpoint it cannot write, names the path, keeps checkpoint, results and log in a named folder, and resuming from it ends like an uninterrupted run`, { timeout: 180_000 }, async () => {
      straight ??= runsOf(await (async () => {
        const out = path.join(tmp, 'straight.json');
        expect((await inProcess([...train, '--epochs', '4', '--out', out])).status).toBe(0);
        return JSON.parse(readFileSync(out, 'utf8'));
      })());
      const dir = path.join(tmp, `full-${how}`);
      const out = path.join(dir, 'x.json');
      const r = await onFullDisk(how, dir, CHECKPOINT_ROOM_KB, [...train, '--epochs', '4', '--out', out]);
      expect(r.status).toBe(1);
      expect(r.err).not.toContain('?');
      const match = new RegExp(
        `^hnca: cannot write ${out.replace('.json', '.checkpoint.json')}: no space left on the device \\(ENOSPC\\); training stopped after epoch (\\d); the results of \\1 epochs are kept in (\\S+hnca-results-\\w+); continue from the kept checkpoint \\(after epoch \\1\\) once there is room: (?:hnca|node \\S+/bin/hnca\\.mjs) train --resume \\2/x\\.checkpoint\\.json --out ${out}\\n$`,
      ).exec(r.err);
      expect(match, r.err).not.toBeNull();
      const [, epochs, folder] = match as RegExpExecArray;
      kept.push(folder);
      expect(Number(epochs)).toBeGreaterThanOrEqual(2);
      expect(readdirSync(folder).sort()).toEqual(['x.checkpoint.json', 'x.epochs.jsonl', 'x.json']);
      const results = JSON.parse(readFileSync(path.join(folder, 'x.json'), 'utf8'));
      expect(results).toMatchObject({ interrupted: true, stoppedBy: `cannot write ${out.replace('.json', '.checkpoint.json')}: no space left on the device (ENOSPC)` });
      expect(results.runs[0].epochs).toHaveLength(Number(epochs));
      expect(readFileSync(path.join(folder, 'x.epochs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2 * Number(epochs));
      // the disk has room again (outside the mount namespace the folder is the plain one)
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const resumed = await inProcess(['train', '--resume', path.join(folder, 'x.checkpoint.json'), '--out', out, '--epochs', '4']);
      expect(resumed.err).toBe('');
      expect(resumed.status).toBe(0);
      expect(runsOf(JSON.parse(readFileSync(out, 'utf8')))).toEqual(straight);
      expect(readFileSync(path.join(dir, 'x.epochs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2 * 4);
    });

    it(`reproduce (${how}): results that do not fit are kept in a named folder; the message names the file`, { timeout: 180_000 }, async () => {
      const dir = path.join(tmp, `rfull-${how}`);
      const out = path.join(dir, 'fig');
      const r = await onFullDisk(how, dir, RESULTS_ROOM_KB, [...reproduce, '--out', out]);
      expect(r.status).toBe(1);
      expect(r.err).not.toContain('?');
      const match = new RegExp(`^hnca: cannot write ${out}/[\\w.-]+: no space left on the device \\(ENOSPC\\)(?:; training stopped early)?.*?kept in (\\S+hnca-results-\\w+)\\n$`).exec(r.err);
      expect(match, r.err).not.toBeNull();
      const folder = (match as RegExpExecArray)[1];
      kept.push(folder);
      expect(readdirSync(folder)).toEqual(expect.arrayContaining(['results.json', 'results.csv', 'results.md']));
      expect(existsSync(`${out}.lock`)).toBe(false);
    });
  }
});
