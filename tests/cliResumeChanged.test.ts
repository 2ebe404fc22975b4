// The README's promises of `hnca train --resume` beyond tests/cliResume.test.ts: `--threads`,
// `--out` and `--engine` may change on resume, and the conv bandit and categorical units resume
// too. Threads and --out: bit for bit equal to a run never stopped. Engine (CPU checkpoint resumed
// on WebGPU): the engines agree to float32 rounding (the golden fixtures: 2.4e-7 relative), so the
// resumed run equals the uninterrupted CPU run in counts and accuracies and within FLOAT32 in every
// real-valued metric.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-resume-changed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FLOAT32 = 1e-5;

async function hnca(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, { stdout: { write: (t) => void (out += t), isTTY: false }, stderr: (t) => void (err += t) });
  return { status, out, err };
}

type Epoch = Record<string, unknown>;
/** The runs' epochs without wall-clock seconds. */
function epochsOf(file: string): Epoch[][] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { runs: { epochs: Epoch[] }[] };
  return doc.runs.map((r) => r.epochs.map(({ seconds: _s, evaluationSeconds: _e, ...rest }) => rest));
}

/** Trains `argv` for 2 epochs at once into whole.json and for 1 then --resume (with `change`) to 2; returns both results files. */
async function stopAndResume(name: string, argv: string[], change: string[]): Promise<{ whole: string; resumed: string }> {
  const whole = path.join(tmp, `${name}-whole.json`);
  const part = path.join(tmp, `${name}-part.json`);
  const w = await hnca([...argv, '--epochs', '2', '--out', whole]);
  expect(w.err).toBe('');
  expect(w.status).toBe(0);
  expect((await hnca([...argv, '--epochs', '1', '--out', part])).status).toBe(0);
  const r = await hnca(['train', '--resume', path.join(tmp, `${name}-part.checkpoint.json`), '--epochs', '2', ...change]);
  expect(r.err).toBe('');
  expect(r.status).toBe(0);
  expect(r.out).toContain('after epoch 1');
  const outAt = change.indexOf('--out');
  return { whole, resumed: outAt >= 0 ? change[outAt + 1] : part };
}

const bandit = ['train', '--estimator', 'hnca,reinforce-baseline', '--seeds', '2', '--train-limit', '200', '--test-limit', '40', '--width', '8', '--hidden', '2', '--batch', '20', '--lr', '0.01'];

describe('hnca train --resume with changed --threads, --out and --engine', () => {
  it('--threads 1 → 2 and a new --out: bit for bit the uninterrupted run, written at the new --out with its own epoch log and checkpoint', { timeout: 120_000 }, async () => {
    mkdirSync(path.join(tmp, 'elsewhere'));
    const moved = path.join(tmp, 'elsewhere', 'moved.json');
    const { whole, resumed } = await stopAndResume('threads', [...bandit, '--engine', 'cpu', '--threads', '1'], ['--threads', '2', '--out', moved]);
    expect(resumed).toBe(moved);
    expect(epochsOf(moved)).toEqual(epochsOf(whole));
    expect(existsSync(path.join(tmp, 'elsewhere', 'moved.checkpoint.json'))).toBe(true);
    expect(readFileSync(path.join(tmp, 'elsewhere', 'moved.epochs.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(moved, 'utf8')).resumedFrom).toMatchObject({ epochsDone: 1 });
  });

  it('--engine cpu → webgpu: equals the uninterrupted CPU run (counts and accuracies exactly, metrics within float32 rounding)', { timeout: 240_000 }, async () => {
    skipWithoutNodeWebgpu();
    const { whole, resumed } = await stopAndResume('engine', [...bandit, '--engine', 'cpu', '--threads', '1'], ['--engine', 'webgpu']);
    const doc = JSON.parse(readFileSync(resumed, 'utf8')) as { engine: { backend: string } };
    expect(doc.engine.backend).toBe('webgpu');
    const [got, want] = [epochsOf(resumed), epochsOf(whole)];
    expect(got.map((r) => r.length)).toEqual(want.map((r) => r.length));
    want.forEach((run, r) =>
      run.forEach((epoch, e) => {
        for (const [key, value] of Object.entries(epoch)) {
          const other = got[r][e][key];
          if (typeof value === 'number' && !['updates', 'epoch', 'trainAccuracy', 'testAccuracy'].includes(key)) expect(Math.abs((other as number) - value) / Math.max(Math.abs(value), 1e-12), `run ${r} epoch ${e} ${key}`).toBeLessThan(FLOAT32);
          else if (Array.isArray(value)) (value as number[]).forEach((v, k) => expect(Math.abs((other as number[])[k] - v) / Math.max(Math.abs(v), 1e-12)).toBeLessThan(FLOAT32));
          else expect(other, `run ${r} epoch ${e} ${key}`).toEqual(value);
        }
      }),
    );
  });
});

describe('hnca train --resume of the other units and tasks', () => {
  it('categorical units (N = 3): 1 epoch, then --resume to 2, equals 2 epochs at once', { timeout: 120_000 }, async () => {
    const { whole, resumed } = await stopAndResume('categorical', [...bandit, '--units', 'categorical', '--categories', '3', '--engine', 'cpu', '--threads', '1'], []);
    expect(epochsOf(resumed)).toEqual(epochsOf(whole));
    expect(JSON.parse(readFileSync(resumed, 'utf8')).config).toMatchObject({ units: 'categorical', categories: 3 });
  });

  it('the conv bandit: 1 epoch, then --resume to 2, equals 2 epochs at once', { timeout: 240_000 }, async () => {
    const conv = ['train', '--task', 'conv-bandit', '--estimator', 'hnca,reinforce', '--conv-layers', '1', '--channels', '2', '--width', '8', '--batch', '20', '--train-limit', '100', '--test-limit', '20', '--lr', '0.001', '--engine', 'cpu'];
    const { whole, resumed } = await stopAndResume('conv', conv, []);
    expect(epochsOf(resumed)).toEqual(epochsOf(whole));
    expect(JSON.parse(readFileSync(resumed, 'utf8')).config).toMatchObject({ task: 'conv-bandit' });
  });
});
