// The real `hnca` command as a child process (bin/hnca.mjs → tsx → main) with the real CPU engine
// on a small MNIST subset (and once the WebGPU engine, categorical units, on a tiny one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function hnca(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'hnca.mjs'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tiny = ['--train-limit', '500', '--test-limit', '200', '--width', '20'];

describe('hnca (child process, real CPU engine)', () => {
  it('trains HNCA and REINFORCE for an epoch and writes the results JSON (default: results/train.json)', () => {
    const out = path.join(tmp, 'results', 'train.json');
    const r = hnca(['train', '--task', 'bandit', '--hidden', '1', '--estimator', 'hnca', '--estimator', 'reinforce', '--epochs', '1', '--engine', 'cpu', ...tiny]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^CPU engine/m);
    expect(r.stdout).toMatch(/^epoch 1\/1 /m);
    expect(r.stdout).toMatch(/^ {2}hnca seed 0: train acc 0\.\d{4} {2}test acc 0\.\d{4} {2}log var -\d+\.\d\d$/m);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.config).toMatchObject({ task: 'bandit', hidden: 1, width: 20, estimators: ['hnca', 'reinforce'], seeds: [0], trainLimit: 500, testLimit: 200 });
    expect(doc.engine.backend).toBe('cpu');
    expect(doc.dataset).toMatchObject({ train: 500, test: 200 });
    expect(doc.runs).toHaveLength(2);
    const [hncaEpoch, reinforceEpoch] = doc.runs.map((run: { epochs: Record<string, unknown>[] }) => run.epochs[0]);
    for (const e of [hncaEpoch, reinforceEpoch]) {
      expect(e).toMatchObject({ epoch: 1, updates: 10, finite: true });
      expect(e.trainAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.trainAccuracy).toBeLessThanOrEqual(1);
      expect(e.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.testAccuracy).toBeLessThanOrEqual(1);
      expect(e.layerGradVariance).toHaveLength(2);
      expect(Number.isFinite(e.logMeanGradVariance)).toBe(true);
      expect(e.seconds).toBeGreaterThan(0);
    }
    // HNCA's estimates have much lower variance from the first updates on (paper Figure 1)
    expect(hncaEpoch.logMeanGradVariance).toBeLessThan(reinforceEpoch.logMeanGradVariance - 1);
  });

  it('trains a tiny two-layer VAE and records ELBO, bound and K', () => {
    const out = path.join(tmp, 'vae.json');
    const r = hnca(['train', '--task', 'vae', '--layers', '2', '--estimator', 'fhnca-baseline,disarm', '--epochs', '2', '--width', '10', '--train-limit', '200', '--test-limit', '20', '--test-k', '5', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}disarm seed 0: train ELBO -\d+\.\d\d {2}test bound \(K=5\) -\d+\.\d\d {2}log var -?\d+\.\d\d$/m);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.config).toMatchObject({ task: 'vae', layers: 2, width: 10, testK: 5, estimators: ['fhnca-baseline', 'disarm'] });
    for (const run of doc.runs) {
      const [first, last] = run.epochs;
      expect(first.testBound).toBeNull();
      expect(last).toMatchObject({ epoch: 2, k: 5, updates: 8, finite: true });
      expect(last.trainElbo).toBeLessThan(0);
      expect(last.testBound).toBeLessThan(0);
      expect(last.layerGradVariance).toHaveLength(2);
    }
  });

  it('hnca --version prints the version of package.json and exits 0', () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const r = hnca(['--version']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('refuses a bad flag with one line and exit code 2, writing nothing', () => {
    const out = path.join(tmp, 'bad.json');
    const r = hnca(['train', '--estimator', 'hnca', '--lr', '-1', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("hnca: --lr must be a number > 0, e.g. 1e-4 (got '-1')\n");
    expect(existsSync(out)).toBe(false);
  });

  it('categorical units (docs/math.md §7.1), N = 4, 2 hidden layers: HNCA is ahead of REINFORCE after 3 short epochs', () => {
    const out = path.join(tmp, 'categorical.json');
    // lr 5e-3 so that 240 updates are enough to separate them (seeds 0–2 all show it: test 0.41–0.46 against 0.13–0.21)
    const r = hnca(['train', '--units', 'categorical', '--categories', '4', '--hidden', '2', '--width', '32', '--estimator', 'hnca,reinforce', '--epochs', '3', '--lr', '5e-3', '--train-limit', '4000', '--test-limit', '1000', '--engine', 'cpu', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.config).toMatchObject({ task: 'bandit', hidden: 2, width: 32, units: 'categorical', categories: 4 });
    const [h, rf] = doc.runs.map((run: { epochs: Record<string, number>[] }) => run.epochs[2]);
    expect(h.layerGradVariance).toHaveLength(3);
    expect(h.testAccuracy).toBeGreaterThan(rf.testAccuracy + 0.15);
    expect(h.trainAccuracy).toBeGreaterThan(rf.trainAccuracy + 0.15);
    // the variance in the first epoch, while both policies are still close (seeds 0–2: 2.5–2.7 nats
    // apart); later HNCA's larger rewards raise its variance (epoch 3: 0.7–1.7 apart)
    const [h1, rf1] = doc.runs.map((run: { epochs: Record<string, number>[] }) => run.epochs[0]);
    expect(h1.logMeanGradVariance).toBeLessThan(rf1.logMeanGradVariance - 1.5);
  });

  it('the categorical done-when command on --engine webgpu (SwiftShader; small limits and width): runs, records the unit kind, HNCA has the lower variance', () => {
    skipWithoutNodeWebgpu();
    const out = path.join(tmp, 'categorical-webgpu.json');
    const r = hnca(['train', '--task', 'bandit', '--units', 'categorical', '--categories', '4', '--hidden', '2', '--estimator', 'hnca,reinforce', '--epochs', '1', '--train-limit', '200', '--test-limit', '50', '--width', '8', '--batch', '20', '--engine', 'webgpu', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^WebGPU engine/m);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.engine.backend).toBe('webgpu');
    expect(doc.config).toMatchObject({ task: 'bandit', hidden: 2, width: 8, units: 'categorical', categories: 4 });
    const [h, rf] = doc.runs.map((run: { epochs: Record<string, number | boolean>[] }) => run.epochs[0]);
    expect(h).toMatchObject({ updates: 10, finite: true });
    expect(h.layerGradVariance).toHaveLength(3);
    expect(h.logMeanGradVariance).toBeLessThan(Number(rf.logMeanGradVariance) - 1);
  });

  it('reproduce categorical on a tiny grid writes every report', () => {
    const dir = path.join(tmp, 'categorical');
    const r = hnca(['reproduce', 'categorical', '--categories', '2,3', '--hidden', '1,2', '--seeds', '2', '--epochs', '2', '--train-limit', '100', '--test-limit', '50', '--width', '4', '--out', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toHaveLength(5 + 4 * 3 * 2); // results .json .csv .md, machine.md, epochs.jsonl; per (N, depth) 3 charts, each .svg and .vl.json
    const doc = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
    expect(doc.grid.map((c: { categories: number; hidden: number }) => `${c.categories}/${c.hidden}`)).toEqual(['2/1', '2/2', '3/1', '3/2']);
    expect(doc.grid[3].config).toMatchObject({ units: 'categorical', categories: 3, hidden: 2, width: 4, estimators: ['hnca', 'reinforce'] });
    expect(doc.grid[3].runs).toHaveLength(4);
    expect(existsSync(path.join(dir, 'categorical-N3-L2-test-accuracy.svg'))).toBe(true);
    const md = readFileSync(path.join(dir, 'results.md'), 'utf8');
    expect(md).toContain('| 3 | 2 | HNCA | 2 |');
    expect(md).toMatch(/\| 3 \| 2 \| -?\d\.\d{4} \| -?\d+\.\d\d \|/);
    expect(readFileSync(path.join(dir, 'results.csv'), 'utf8').split('\n')[0]).toMatch(/^categories,hidden_layers,estimator,seed,update,epoch,/);
  });

  it('reproduce fig1 on a tiny grid writes every report', () => {
    const dir = path.join(tmp, 'fig1');
    const r = hnca(['reproduce', 'fig1', '--hidden', '1,2', '--seeds', '2', '--epochs', '2', '--train-limit', '100', '--test-limit', '50', '--width', '8', '--out', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toHaveLength(5 + 2 * 3 * 2); // results .json .csv .md, machine.md, epochs.jsonl; per depth 3 charts, each .svg and .vl.json
    const doc = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
    expect(doc.grid).toHaveLength(2);
    expect(doc.grid[1].runs).toHaveLength(8);
    expect(doc.grid[1].runs[7].epochs[1].layerGradVariance).toHaveLength(3);
    const svg = readFileSync(path.join(dir, 'fig1-L2-test-accuracy.svg'), 'utf8');
    expect(svg.match(/<polygon /g)?.length).toBe(4);
    expect(readFileSync(path.join(dir, 'results.md'), 'utf8')).toContain('| 2 | HNCA + baseline | 2 |');
  });
});
