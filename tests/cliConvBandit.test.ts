// `hnca train --task conv-bandit` (appendix E, docs/math.md §7.2) end to end on real MNIST, in
// process, with the real engine: a small trunk (one convolution of 4 channels, 64 Bernoulli
// units, Adam 1e-3) for 60 updates. HNCA is ahead of REINFORCE in test accuracy and has lower
// gradient variance; the results JSON records the conv bandit's config.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import type { OpenedEngine } from '../src/cli/openEngine.ts';
import type { Io } from '../src/cli/session.ts';
import type { EngineConfig, EngineFactoryInput } from '../src/engine/types.ts';
import { FakeEngine } from './helpers/fakeEngine.ts';
import { writeTinyMnist } from './helpers/tinyMnist.ts';

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

describe('hnca reproduce appendix-e (fake engine)', () => {
  const data = writeTinyMnist(path.join(tmp, 'mnist'), 300, 40);

  it('trains the four estimators × 3 seeds on the reduced schedule and writes the table, CSV and charts', async () => {
    let out = '';
    let err = '';
    const configs: EngineConfig[] = [];
    const io: Io = {
      stdout: { write: (t) => void (out += t), isTTY: false },
      stderr: (t) => void (err += t),
      openEngine: async (_choice, input: EngineFactoryInput): Promise<OpenedEngine> => {
        configs.push(input.config);
        return { engine: new FakeEngine(input), why: 'fake engine (test)' };
      },
    };
    const dir = path.join(tmp, 'appendix-e');
    expect(await main(['reproduce', 'appendix-e', '--data', data, '--epochs', '2', '--out', dir], io)).toBe(0);
    expect(err).toBe('');
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatchObject({ task: 'conv-bandit', convLayers: 2, channels: 16, width: 200, batch: 50, lr: 1e-4, seeds: [0, 1, 2] });
    expect(configs[0].estimators).toEqual(['hnca', 'hnca-baseline', 'reinforce', 'reinforce-baseline']);
    const markdown = readFileSync(path.join(dir, 'results.md'), 'utf8');
    expect(markdown).toMatch(/^# Appendix E: the nonlinear contextual bandit \(2 epochs\)/);
    expect(markdown).toMatch(/\| 2 \| HNCA \| 3 \| /);
    expect(markdown).toMatch(/\| 2 \| HNCA − REINFORCE \| /);
    expect(markdown).toMatch(/Schedule: 2 epochs of 300 training images \(6 updates each\), 40 test images, 3 seeds; 2 convolutions of 16 channels, 200 Bernoulli units.*reduced here/);
    expect(readFileSync(path.join(dir, 'results.csv'), 'utf8').split('\n')[0]).toMatch(/^conv_layers,estimator,seed,update,epoch,train_accuracy,test_accuracy,log_mean_grad_variance,log_grad_variance_conv1,/);
    for (const chart of ['train-accuracy', 'test-accuracy', 'log-grad-variance']) {
      expect(readFileSync(path.join(dir, `appendix-e-L2-${chart}.svg`), 'utf8')).toMatch(/2 convolutions feeding one Bernoulli layer, 3 seeds/);
    }
  });

  it('rejects flags that do not apply in one line', async () => {
    let err = '';
    const io: Io = { stdout: { write: () => undefined, isTTY: false }, stderr: (t) => void (err += t) };
    expect(await main(['reproduce', 'appendix-e', '--hidden', '2', '--out', path.join(tmp, 'never')], io)).toBe(2);
    expect(err.trimEnd()).toMatch(/^hnca: unknown flag --hidden for hnca reproduce appendix-e; accepted: --estimator, /);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
  });
});
