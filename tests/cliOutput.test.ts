// Output paths that cannot be written: found before any training, one line, nothing lost (issue 15).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { OutputError, writeResultsOrKeep } from '../src/cli/output.ts';
import { requireTools } from './helpers/nodeWebgpuMissing.ts';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-out-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const tiny = ['--epochs', '1', '--train-limit', '100', '--test-limit', '20', '--width', '8', '--engine', 'cpu'];

/** Runs hnca with `dir` bind-mounted read-only in a private mount namespace (root, util-linux unshare). */
function hncaWithReadOnly(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  requireTools([{ kind: 'root-mounts' }]);
  const quoted = [process.execPath, path.join(root, 'bin', 'hnca.mjs'), ...args].map((a) => `'${a}'`).join(' ');
  const script = `mount --bind '${dir}' '${dir}' && mount -o remount,bind,ro '${dir}' && exec ${quoted}`;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function inProcess(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, { stdout: { write: (t) => void (out += t), isTTY: false }, stderr: (t) => void (err += t) });
  return { status, out, err };
}

describe('output paths', () => {
  it('a read-only --out folder is refused before training, in one line (train and reproduce)', () => {
    const ro = path.join(tmp, 'ro');
    mkdirSync(ro);
    const train = hncaWithReadOnly(ro, ['train', ...tiny, '--out', path.join(ro, 'x.json')]);
    expect(train.stderr).toBe(`hnca: --out: cannot write in ${ro}: read-only file system (EROFS)\n`);
    expect(train.status).toBe(2);
    expect(train.stdout).not.toMatch(/epoch/);
    const reproduce = hncaWithReadOnly(ro, ['reproduce', 'fig1', '--hidden', '1', '--seeds', '1', ...tiny, '--out', path.join(ro, 'fig1')]);
    expect(reproduce.stderr).toBe(`hnca: --out: cannot make the folder ${path.join(ro, 'fig1')}: read-only file system (EROFS)\n`);
    expect(reproduce.status).toBe(2);
    const existing = path.join(ro, 'existing');
    mkdirSync(existing);
    const into = hncaWithReadOnly(ro, ['reproduce', 'fig1', '--hidden', '1', '--seeds', '1', ...tiny, '--out', existing]);
    expect(into.stderr).toBe(`hnca: --out: cannot write in ${existing}: read-only file system (EROFS)\n`);
  });

  it('a folder given as the file, a file given as the folder: one line each, before training', async () => {
    const folder = path.join(tmp, 'a-folder');
    mkdirSync(folder);
    const asFile = await inProcess(['train', ...tiny, '--out', folder]);
    expect(asFile).toMatchObject({ status: 2, err: `hnca: --out: ${folder} is a folder; give a file name\n`, out: '' });
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const asDir = await inProcess(['reproduce', 'fig1', '--hidden', '1', ...tiny, '--out', file]);
    expect(asDir).toMatchObject({ status: 2, err: `hnca: --out: ${file} is a file; give a folder\n`, out: '' });
  });

  it('results that cannot be written at the end are kept in a temporary folder, and the message says where', () => {
    const failing = (): never => {
      const error: NodeJS.ErrnoException = new Error("EROFS: read-only file system, open '/data/.r.json.1.tmp'");
      error.code = 'EROFS';
      error.path = '/data/.r.json.1.tmp';
      throw error;
    };
    let caught: unknown;
    try {
      writeResultsOrKeep({ 'r.json': '{"runs":[]}\n' }, failing);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OutputError);
    const { message, savedTo } = caught as OutputError;
    expect(message).toMatch(/^cannot write \/data\/\.r\.json\.1\.tmp: read-only file system \(EROFS\); the results are kept in \S+hnca-results-\w+$/);
    expect(savedTo && existsSync(path.join(savedTo, 'r.json'))).toBe(true);
    expect(readFileSync(path.join(savedTo ?? '', 'r.json'), 'utf8')).toBe('{"runs":[]}\n');
    rmSync(savedTo ?? '', { recursive: true, force: true });
    // other errors pass through unchanged
    expect(() => writeResultsOrKeep({}, () => { throw new TypeError('bug'); })).toThrow(TypeError);
  });
});
