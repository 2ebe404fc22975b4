// Issue 12's done-when, small: `hnca train --task vae --engine webgpu` (SwiftShader here) gives the
// same ELBOs, bounds and encoder-gradient variances as `--engine cpu` for the same seed, every
// estimator and the appendix-K ablations included, and `reproduce fig3 --engine webgpu` writes
// its grid with training and evaluation seconds apart.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hnca } from './helpers/cliInProcess.ts';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-vae-webgpu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Epoch {
  epoch: number;
  trainElbo: number;
  testBound: number | null;
  logMeanGradVariance: number;
  layerGradVariance: number[];
  updates: number;
  finite: boolean;
}

const small = ['--task', 'vae', '--layers', '2', '--estimator', 'all', '--ablation', 'all', '--epochs', '1', '--train-limit', '60', '--test-limit', '12', '--width', '8', '--batch', '10', '--test-k', '4', '--lr', '0.003'];

describe('hnca train --task vae --engine webgpu', () => {
  it('gives the CPU engine\'s ELBOs, bounds and variances for every estimator and ablation', { timeout: 600_000 }, async () => {
    skipWithoutNodeWebgpu();
    const docs = [];
    for (const engine of ['cpu', 'webgpu']) {
      const out = path.join(tmp, `${engine}.json`);
      const r = await hnca(['train', ...small, '--engine', engine, '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      docs.push(JSON.parse(readFileSync(out, 'utf8')));
    }
    const [cpu, gpu] = docs;
    expect(gpu.engine.backend).toBe('webgpu');
    expect(cpu.engine.backend).toBe('cpu');
    // the six estimators with f-HNCA + baseline as plain and its three ablations: nine runs
    expect(gpu.runs).toHaveLength(9);
    expect(gpu.runs.map((r: { estimator: string }) => r.estimator)).toEqual(cpu.runs.map((r: { estimator: string }) => r.estimator));
    let worst = 0;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    gpu.runs.forEach((run: { estimator: string; epochs: Epoch[] }, i: number) => {
      run.epochs.forEach((g, e) => {
        const c: Epoch = cpu.runs[i].epochs[e];
        expect(g.updates).toBe(c.updates);
        expect(g.finite).toBe(true);
        expect(g.testBound).not.toBeNull();
        for (const [a, b] of [[g.trainElbo, c.trainElbo], [g.testBound ?? NaN, c.testBound ?? NaN], [g.logMeanGradVariance, c.logMeanGradVariance], ...g.layerGradVariance.map((v, l) => [v, c.layerGradVariance[l]])]) {
          worst = Math.max(worst, rel(a, b));
        }
      });
    });
    console.log(`webgpu vs cpu, 9 runs × 1 epoch: worst relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    // training and evaluation seconds apart
    expect(gpu.trainingSeconds + gpu.evaluationSeconds).toBeCloseTo(gpu.seconds, 6);
    expect(gpu.evaluationSeconds).toBeGreaterThan(0);
  });

  it('reproduce fig3 --engine webgpu writes its grid', { timeout: 600_000 }, async () => {
    skipWithoutNodeWebgpu();
    const out = path.join(tmp, 'fig3');
    const r = await hnca(['reproduce', 'fig3', '--layers', '1', '--estimator', 'fhnca,reinforce', '--seeds', '1', '--epochs', '1', '--train-limit', '40', '--test-limit', '8', '--width', '6', '--batch', '10', '--test-k', '3', '--engine', 'webgpu', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(doc.grid).toHaveLength(1);
    expect(doc.grid[0].engine.backend).toBe('webgpu');
    expect(doc.grid[0].trainingSeconds + doc.grid[0].evaluationSeconds).toBeCloseTo(doc.grid[0].seconds, 6);
    expect(readFileSync(path.join(out, 'results.md'), 'utf8')).toMatch(/Orderings against the paper/);
  });
});
