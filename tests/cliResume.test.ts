// hnca train --resume (issue 15): a run stopped after some epochs and resumed from its checkpoint
// gives the same results, bit for bit, as one that was never stopped.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function hnca(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, { stdout: { write: (t) => void (out += t), isTTY: false }, stderr: (t) => void (err += t) });
  return { status, out, err };
}

/** The results without wall-clock seconds. */
function runsOf(file: string): unknown {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  return doc.runs.map((r: { epochs: Record<string, unknown>[] }) => ({ ...r, epochs: r.epochs.map(({ seconds: _s, evaluationSeconds: _e, ...rest }) => rest) }));
}

const base = (threads: number): string[] => ['train', '--estimator', 'hnca,reinforce-baseline', '--seeds', '2', '--train-limit', '300', '--test-limit', '40', '--width', '10', '--hidden', '2', '--lr', '0.01', '--engine', 'cpu', '--threads', String(threads)];

describe('hnca train --resume', () => {
  for (const threads of [1, 2]) {
    it(`2 epochs, then --resume to 4, equals 4 epochs at once (${threads} thread${threads > 1 ? 's' : ''})`, { timeout: 120_000 }, async () => {
      const whole = path.join(tmp, `whole${threads}.json`);
      const part = path.join(tmp, `part${threads}.json`);
      expect((await hnca([...base(threads), '--epochs', '4', '--out', whole])).status).toBe(0);
      const first = await hnca([...base(threads), '--epochs', '2', '--out', part]);
      expect(first.out).toContain(`a checkpoint is written after every epoch to ${path.join(tmp, `part${threads}.checkpoint.json`)}`);
      const resumed = await hnca(['train', '--resume', path.join(tmp, `part${threads}.checkpoint.json`), '--epochs', '4']);
      expect(resumed.err).toBe('');
      expect(resumed.status).toBe(0);
      expect(resumed.out).toContain('after epoch 2');
      expect(runsOf(part)).toEqual(runsOf(whole));
      expect(JSON.parse(readFileSync(part, 'utf8')).resumedFrom).toMatchObject({ epochsDone: 2 });
      // the epoch log holds every epoch once
      expect(readFileSync(path.join(tmp, `part${threads}.epochs.jsonl`), 'utf8').trim().split('\n')).toHaveLength(4 * 4);
    });
  }

  it('a new run with the same --out moves the earlier run\'s files aside (nothing overwritten), and resuming the moved checkpoint continues beside it', { timeout: 120_000 }, async () => {
    const out = path.join(tmp, 'again.json');
    const first = await hnca([...base(1), '--epochs', '1', '--out', out]);
    expect(first.status).toBe(0);
    expect(first.out).not.toContain('moved to');
    const earlier = { results: readFileSync(out, 'utf8'), log: readFileSync(path.join(tmp, 'again.epochs.jsonl'), 'utf8'), checkpoint: readFileSync(path.join(tmp, 'again.checkpoint.json'), 'utf8') };
    const second = await hnca([...base(1), '--epochs', '2', '--seed', '7', '--out', out]);
    expect(second.status).toBe(0);
    expect(second.out).toContain("an earlier run's again.json, again.epochs.jsonl, again.checkpoint.json moved to again.earlier-1.* beside them");
    expect(readFileSync(path.join(tmp, 'again.earlier-1.json'), 'utf8')).toBe(earlier.results);
    expect(readFileSync(path.join(tmp, 'again.earlier-1.epochs.jsonl'), 'utf8')).toBe(earlier.log);
    expect(readFileSync(path.join(tmp, 'again.earlier-1.checkpoint.json'), 'utf8')).toBe(earlier.checkpoint);
    const newer = readFileSync(out, 'utf8');
    expect(JSON.parse(newer).runs[0].epochs).toHaveLength(2);
    // the moved checkpoint resumes into the files beside it, leaving the newer run's alone
    const resumed = await hnca(['train', '--resume', path.join(tmp, 'again.earlier-1.checkpoint.json'), '--epochs', '2']);
    expect(resumed.err).toBe('');
    expect(resumed.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(newer);
    expect(JSON.parse(readFileSync(path.join(tmp, 'again.earlier-1.json'), 'utf8')).runs[0].epochs).toHaveLength(2);
    expect(readFileSync(path.join(tmp, 'again.earlier-1.epochs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2 * 4);
  });

  it('VAE with every estimator: the same', { timeout: 120_000 }, async () => {
    const vae = ['train', '--task', 'vae', '--layers', '2', '--estimator', 'all', '--train-limit', '200', '--test-limit', '20', '--width', '6', '--test-k', '3', '--eval-every', '1', '--engine', 'cpu', '--threads', '1'];
    const whole = path.join(tmp, 'vwhole.json');
    const part = path.join(tmp, 'vpart.json');
    expect((await hnca([...vae, '--epochs', '3', '--out', whole])).status).toBe(0);
    expect((await hnca([...vae, '--epochs', '1', '--out', part])).status).toBe(0);
    expect((await hnca(['train', '--resume', path.join(tmp, 'vpart.checkpoint.json'), '--epochs', '3'])).status).toBe(0);
    expect(runsOf(part)).toEqual(runsOf(whole));
  });

  it('after Ctrl-C the message names the checkpoint, and resuming it ends like an uninterrupted run', { timeout: 180_000 }, async () => {
    const out = path.join(tmp, 'int.json');
    const argv = [path.join(root, 'bin', 'hnca.mjs'), ...base(1).slice(0, -2), '--threads', '1', '--epochs', '400', '--out', out];
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, argv, { cwd: tmp });
      let text = '';
      let sent = false;
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        // one SIGINT only: a second one means 'quit at once' and would race the epoch's checkpoint
        if (!sent && /^epoch 3\/400 /m.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('exit', (c) => resolve({ code: c, stdout: text }));
    });
    expect(code).toBe(130);
    const checkpoint = path.join(tmp, 'int.checkpoint.json');
    // the hint names the command as it was run: here the clone's script by its path (main.ts invocationName)
    expect(stdout).toContain(`continue with: node ${path.join(root, 'bin', 'hnca.mjs')} train --resume ${checkpoint}`);
    const done = JSON.parse(readFileSync(checkpoint, 'utf8')).epochsDone as number;
    expect(done).toBeGreaterThanOrEqual(3);
    const target = String(done + 1);
    expect((await hnca(['train', '--resume', checkpoint, '--epochs', target])).status).toBe(0);
    const whole = path.join(tmp, 'int-whole.json');
    expect((await hnca([...base(1), '--epochs', target, '--out', whole])).status).toBe(0);
    expect(runsOf(out)).toEqual(runsOf(whole));
  });

  it('WebGPU engine (SwiftShader): Ctrl-C mid-run, then --resume of its checkpoint, ends like an uninterrupted run', { timeout: 240_000 }, async () => {
    skipWithoutNodeWebgpu();
    const gpu = ['train', '--estimator', 'hnca,reinforce', '--train-limit', '120', '--test-limit', '20', '--width', '8', '--batch', '20', '--lr', '0.01', '--engine', 'webgpu'];
    const out = path.join(tmp, 'gint.json');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, 'bin', 'hnca.mjs'), ...gpu, '--epochs', '400', '--out', out], { cwd: tmp });
      let text = '';
      let sent = false;
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        // one SIGINT only: a second one means 'quit at once' and would race the epoch's checkpoint
        if (!sent && /^epoch 2\/400 /m.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('exit', (c) => resolve({ code: c, stdout: text }));
    });
    expect(stdout).toMatch(/^WebGPU engine/m);
    expect(code).toBe(130);
    const checkpoint = path.join(tmp, 'gint.checkpoint.json');
    // the hint names the command as it was run: here the clone's script by its path (main.ts invocationName)
    expect(stdout).toContain(`continue with: node ${path.join(root, 'bin', 'hnca.mjs')} train --resume ${checkpoint}`);
    const done = JSON.parse(readFileSync(checkpoint, 'utf8')).epochsDone as number;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ interrupted: true });
    const target = String(done + 1);
    const resumed = await hnca(['train', '--resume', checkpoint, '--epochs', target]);
    expect(resumed.err).toBe('');
    expect(resumed.out).toMatch(/^WebGPU engine/m);
    const whole = path.join(tmp, 'gint-whole.json');
    expect((await hnca([...gpu, '--epochs', target, '--out', whole])).status).toBe(0);
    expect(runsOf(out)).toEqual(runsOf(whole));
  });

  it('refuses, in one line: other flags with --resume, a missing or damaged checkpoint, nothing left to train', async () => {
    const ckpt = path.join(tmp, 'part1.checkpoint.json');
    expect(existsSync(ckpt)).toBe(true);
    const cases: [string[], RegExp][] = [
      [['train', '--resume', ckpt, '--width', '3'], /^hnca: --resume takes the run's settings from the checkpoint; only --engine, --threads, --epochs, --out may come with it \(got --width\)\n$/],
      [['train', '--resume', path.join(tmp, 'nope.json')], /^hnca: --resume: .*nope\.json does not exist/],
      [['train', '--resume', ckpt, '--epochs', '2'], /^hnca: --resume: the checkpoint has all 4 epochs already; give --epochs N > 4 to train longer\n$/],
    ];
    const damaged = path.join(tmp, 'damaged.json');
    const doc = JSON.parse(readFileSync(ckpt, 'utf8'));
    doc.state.runs[0].tensors[0].value.base64 = 'AAAA';
    writeFileSync(damaged, JSON.stringify(doc));
    cases.push([['train', '--resume', damaged, '--epochs', '9'], /^hnca: .*damaged\.json: runs\[0\]\.tensors\[0\] \(W0\)\.value: 0 values|^hnca: .*damaged\.json: runs\[0\]\.tensors\[0\] \(W0\)\.value: 3 bytes/]);
    writeFileSync(path.join(tmp, 'results.json'), '{"tool":"hnca","runs":[]}');
    cases.push([['train', '--resume', path.join(tmp, 'results.json')], /not an hnca train checkpoint/]);
    for (const [argv, message] of cases) {
      const r = await hnca(argv);
      expect(r.status, r.err).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
