// `hnca train --task conv-bandit --engine webgpu` (appendix E, docs/math.md §7.2) in process on real
// MNIST, tiny (SwiftShader here runs the trunk's library ~100× slower than WASM): one convolution
// of 2 channels, 16 Bernoulli units, batch 20, 10 updates. It writes its results with the WebGPU
// engine recorded, and they are the CPU engine's for the same flags: the same train and test
// accuracies (the same samples and actions), variances within float32 tolerance. Whether HNCA
// gets ahead needs far more updates than a test here can afford (tests/cliConvBandit.test.ts
// shows it on the CPU engine, which this one equals).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hnca } from './helpers/cliInProcess.ts';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-conv-webgpu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Epoch {
  trainAccuracy: number;
  testAccuracy: number | null;
  logMeanGradVariance: number;
  layerGradVariance: number[];
  updates: number;
  finite: boolean;
}

interface Results {
  engine: { backend: string; description: string };
  config: Record<string, unknown>;
  runs: { estimator: string; epochs: Epoch[] }[];
}

const tiny = ['--task', 'conv-bandit', '--estimator', 'hnca,reinforce', '--conv-layers', '1', '--channels', '2', '--width', '16', '--batch', '20', '--lr', '0.001', '--epochs', '1', '--train-limit', '200', '--test-limit', '40', '--seed', '1'];

describe('hnca train --task conv-bandit --engine webgpu', () => {
  it("writes its results with the WebGPU engine recorded, equal to the CPU engine's", { timeout: 600_000 }, async () => {
    skipWithoutNodeWebgpu();
    const docs: Results[] = [];
    for (const engine of ['cpu', 'webgpu']) {
      const out = path.join(tmp, `${engine}.json`);
      const r = await hnca(['train', ...tiny, '--engine', engine, '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      if (engine === 'webgpu') expect(r.stdout).toMatch(/WebGPU engine: .*trunk on the TensorFlow\.js WebGPU back end/);
      docs.push(JSON.parse(readFileSync(out, 'utf8')) as Results);
    }
    const [cpu, gpu] = docs;
    expect(cpu.engine.backend).toBe('cpu');
    expect(gpu.engine.backend).toBe('webgpu');
    expect(gpu.config.engine).toBe('webgpu');
    expect({ ...gpu.config, engine: 'cpu' }).toEqual(cpu.config);
    expect(gpu.config).toMatchObject({ task: 'conv-bandit', convLayers: 1, channels: 2, width: 16, batch: 20 });
    expect(gpu.runs.map((r) => r.estimator)).toEqual(['hnca', 'reinforce']);
    let worst = 0;
    gpu.runs.forEach((run, i) => {
      const [g, c] = [run.epochs[0], cpu.runs[i].epochs[0]];
      expect(g.updates).toBe(10);
      expect(g.updates).toBe(c.updates);
      expect(g.finite).toBe(true);
      expect(g.trainAccuracy).toBe(c.trainAccuracy);
      expect(g.testAccuracy).not.toBeNull();
      expect(g.testAccuracy).toBe(c.testAccuracy);
      // the convolution, the linear layer to the logits, the output
      expect(g.layerGradVariance).toHaveLength(3);
      for (const [a, b] of [[g.logMeanGradVariance, c.logMeanGradVariance], ...g.layerGradVariance.map((v, l) => [v, c.layerGradVariance[l]])]) {
        expect(Number.isFinite(a)).toBe(true);
        worst = Math.max(worst, Math.abs(a - b));
      }
    });
    console.log(`conv bandit webgpu vs cpu, 2 runs × 10 updates: worst difference of ln variances ${worst.toExponential(2)} nats`);
    expect(worst).toBeLessThan(1e-3);
  });
});
