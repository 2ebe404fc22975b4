// `hnca train --task conv-bandit` (appendix E, DESIGN.md §7.2) end to end on real MNIST, in
// process, with the real engine: a small trunk (one convolution of 4 channels, 64 Bernoulli
// units, Adam 1e-3) for 60 updates. HNCA is ahead of REINFORCE in test accuracy and has lower
// gradient variance; the results JSON records the conv bandit's config.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import type { Io } from '../src/cli/session.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-conv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface RecordedEpoch {
  trainAccuracy: number;
  testAccuracy: number | null;
  logMeanGradVariance: number;
  layerGradVariance: number[];
}

describe('hnca train --task conv-bandit on MNIST', () => {
  it('HNCA is ahead of REINFORCE in test accuracy with lower gradient variance', async () => {
    let out = '';
    let err = '';
    const io: Io = { stdout: { write: (t) => void (out += t), isTTY: false }, stderr: (t) => void (err += t) };
    const file = path.join(tmp, 'conv.json');
    const argv = ['train', '--task', 'conv-bandit', '--estimator', 'hnca,reinforce', '--conv-layers', '1', '--channels', '4', '--width', '64', '--lr', '0.001'];
    const code = await main([...argv, '--epochs', '1', '--train-limit', '3000', '--test-limit', '300', '--seed', '1', '--out', file], io);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/trunk on TensorFlow\.js/);
    const document = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, unknown>; runs: { estimator: string; epochs: RecordedEpoch[] }[] };
    expect(document.config).toMatchObject({ task: 'conv-bandit', convLayers: 1, channels: 4, width: 64, hiddenValues: 'pm1', batch: 50, lr: 0.001 });
    const [hnca, reinforce] = ['hnca', 'reinforce'].map((id) => document.runs.find((r) => r.estimator === id)?.epochs[0]);
    if (!hnca || !reinforce) throw new Error('missing runs');
    expect(hnca.testAccuracy ?? 0).toBeGreaterThan((reinforce.testAccuracy ?? 0) + 0.1);
    expect(hnca.logMeanGradVariance).toBeLessThan(reinforce.logMeanGradVariance - 1);
    // per layer: the convolution, the linear layer to the logits, the output
    expect(hnca.layerGradVariance).toHaveLength(3);
    expect(hnca.layerGradVariance[1]).toBeLessThan(reinforce.layerGradVariance[1] / 10);
  });
});
