// Issue 26: a run extended across processes (--epochs 2, then --resume … --epochs 4) gives every
// number of 4 epochs straight, the test metric included: the evaluation's random numbers depend
// only on (seed, epoch, what is evaluated). On today's main the first process's last-epoch
// evaluation (which a 4-epoch run skips under --eval-every) used up an evaluation key, so the
// resumed run's test accuracy and VAE test bound differed. Both engines (WebGPU on SwiftShader).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hnca } from './helpers/cliInProcess.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-resume-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every recorded number of every run and epoch, without the wall-clock seconds. */
function runsOf(file: string): { epochs: Record<string, unknown>[] }[] {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  return doc.runs.map((r: { epochs: Record<string, unknown>[] }) => ({ ...r, epochs: r.epochs.map(({ seconds: _s, evaluationSeconds: _e, ...rest }) => rest) }));
}

const cases: { name: string; argv: string[]; metric: string }[] = [];
for (const engine of ['cpu', 'webgpu']) {
  cases.push({
    name: `bandit, --eval-every 3, ${engine}`,
    argv: ['--estimator', 'hnca,reinforce', '--seeds', '2', '--train-limit', '120', '--test-limit', '40', '--width', '8', '--batch', '20', '--lr', '0.01', '--eval-every', '3', '--engine', engine, ...(engine === 'cpu' ? ['--threads', '1'] : [])],
    metric: 'testAccuracy',
  });
  cases.push({
    name: `VAE, test bound at the last epoch only (the default), ${engine}`,
    argv: ['--task', 'vae', '--layers', '2', '--estimator', 'fhnca-baseline,reinforce-baseline', '--train-limit', '80', '--test-limit', '10', '--width', '6', '--batch', '20', '--test-k', '3', '--engine', engine, ...(engine === 'cpu' ? ['--threads', '1'] : [])],
    metric: 'testBound',
  });
}

describe('resume across processes equals the run straight, test metric included', () => {
  cases.forEach(({ name, argv, metric }, c) => {
    it(name, { timeout: 240_000 }, async () => {
      const whole = path.join(tmp, `whole${c}.json`);
      const part = path.join(tmp, `part${c}.json`);
      const straight = await hnca(['train', ...argv, '--epochs', '4', '--out', whole]);
      expect(straight.stderr).toBe('');
      const first = await hnca(['train', ...argv, '--epochs', '2', '--out', part]);
      expect(first.stderr).toBe('');
      const resumed = await hnca(['train', '--resume', path.join(tmp, `part${c}.checkpoint.json`), '--epochs', '4']);
      expect(resumed.stderr).toBe('');
      expect(resumed.status).toBe(0);
      const [a, b] = [runsOf(part), runsOf(whole)];
      // the straight run evaluated its last epoch: the comparison covers a test number
      expect(b[0].epochs[3][metric]).toEqual(expect.any(Number));
      // the first process evaluated its last epoch (2), which the straight run skips: that extra
      // number is the only difference allowed
      for (const run of a) {
        expect(run.epochs[1][metric]).toEqual(expect.any(Number));
        run.epochs[1][metric] = null;
      }
      expect(a).toEqual(b);
    });
  });
});
