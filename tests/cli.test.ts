// The hnca command in-process, with a fake engine: parsing, validation, output files, progress.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFlags, type FlagSpec } from '../src/cli/flags.ts';
import { invocationName, main } from '../src/cli/main.ts';
import type { OpenedEngine } from '../src/cli/openEngine.ts';
import { REPRODUCE_APPENDIX_E_FLAGS, REPRODUCE_CATEGORICAL_FLAGS, REPRODUCE_FIG1_FLAGS, REPRODUCE_FIG3_FLAGS, TRAIN_FLAGS } from '../src/cli/options.ts';
import type { Io } from '../src/cli/session.ts';
import type { EngineFactoryInput } from '../src/engine/types.ts';
import { MNIST_FILES } from '../src/node/mnist.ts';
import { FakeEngine } from './helpers/fakeEngine.ts';
import { writeTinyMnist } from './helpers/tinyMnist.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const data = writeTinyMnist(path.join(tmp, 'mnist'));

interface Captured {
  io: Io;
  out: () => string;
  err: () => string;
  engines: FakeEngine[];
}

function capture(options: { tty?: boolean; failAt?: number } = {}): Captured {
  let out = '';
  let err = '';
  const engines: FakeEngine[] = [];
  const io: Io = {
    stdout: { write: (t) => void (out += t), isTTY: options.tty ?? false },
    stderr: (t) => void (err += t),
    openEngine: async (_choice, input: EngineFactoryInput): Promise<OpenedEngine> => {
      const engine = new FakeEngine(input);
      engine.failAt = options.failAt;
      engines.push(engine);
      return { engine, why: 'fake engine (test)' };
    },
  };
  return { io, out: () => out, err: () => err, engines };
}

describe('the command named in hints (continue with: … train --resume)', () => {
  it('is hnca when installed, node and the script relative to the working folder in a clone, the absolute script elsewhere', () => {
    expect(invocationName('/home/u/proj/node_modules/.bin/hnca', '/home/u/proj')).toBe('hnca');
    expect(invocationName('/usr/lib/node_modules/hnca-playground/bin/hnca.mjs', '/tmp')).toBe('hnca');
    expect(invocationName('/home/u/hnca/bin/hnca.mjs', '/home/u/hnca')).toBe('node bin/hnca.mjs');
    expect(invocationName('/home/u/hnca/bin/hnca.mjs', '/tmp/run')).toBe('node /home/u/hnca/bin/hnca.mjs');
    expect(invocationName('/home/u/my runs/bin/hnca.mjs', '/tmp')).toBe('node "/home/u/my runs/bin/hnca.mjs"');
    expect(invocationName(undefined, '/tmp')).toBe('hnca');
  });
});

describe('help', () => {
  it('hnca --help and hnca train --help list every flag with its default', async () => {
    for (const argv of [['--help'], ['train', '--help']]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(0);
      for (const flag of TRAIN_FLAGS) {
        const line = c.out().split('\n').findIndex((l) => l.startsWith(`  --${flag.name} `));
        expect(line, `--${flag.name} in ${argv.join(' ')}`).toBeGreaterThanOrEqual(0);
      }
      expect(c.out().match(/\(default: /g)?.length).toBe(TRAIN_FLAGS.length);
    }
  });

  it('hnca reproduce --help lists the flags of every grid', async () => {
    const c = capture();
    expect(await main(['reproduce', 'fig1', '--help'], c.io)).toBe(0);
    for (const flag of [...REPRODUCE_FIG1_FLAGS, ...REPRODUCE_FIG3_FLAGS, ...REPRODUCE_CATEGORICAL_FLAGS, ...REPRODUCE_APPENDIX_E_FLAGS]) expect(c.out()).toContain(`--${flag.name} `);
    expect(c.out().match(/\(default: /g)?.length).toBe(REPRODUCE_FIG1_FLAGS.length + REPRODUCE_FIG3_FLAGS.length + REPRODUCE_CATEGORICAL_FLAGS.length + REPRODUCE_APPENDIX_E_FLAGS.length);
  });

  it('hnca --version and -V print the package version and exit 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const c = capture();
      expect(await main([flag], c.io)).toBe(0);
      expect(c.out()).toBe(`${version}\n`);
      expect(c.err()).toBe('');
    }
    const help = capture();
    await main(['--help'], help.io);
    expect(help.out()).toContain('hnca --version | hnca -V');
  });

  it('no command prints the help and exits 2', async () => {
    const c = capture();
    expect(await main([], c.io)).toBe(2);
    expect(c.out()).toContain('Usage:');
  });
});

describe('validation: one line naming the flag, exit 2, no output file', () => {
  const out = path.join(tmp, 'never.json');
  const cases: [string[], RegExp][] = [
    [['train', '--width', '-5'], /^hnca: --width must be an integer from 1 to 4096 \(got '-5'\)$/],
    [['train', '--width', '2.5'], /--width must be an integer/],
    [['train', '--lr', '0'], /^hnca: --lr must be a number > 0/],
    [['train', '--lr', 'fast'], /--lr must be a number > 0.*'fast'/],
    [['train', '--estimator', 'foo'], /--estimator: unknown value 'foo' for --task bandit; accepted: hnca, hnca-baseline, reinforce, reinforce-baseline, all/],
    [['train', '--task', 'vae', '--estimator', 'hnca'], /--estimator: unknown value 'hnca' for --task vae; accepted: fhnca, fhnca-baseline, reinforce, reinforce-baseline, reinforce-loo, disarm/],
    [['train', '--task', 'gan'], /--task must be one of bandit, vae, conv-bandit/],
    [['train', '--bogus', '1'], /unknown flag --bogus for hnca train; accepted: --task, .*--out, --resume, --help/],
    [['train', '--engine', 'tpu'], /--engine must be one of cpu, webgpu, auto \(got 'tpu'\)/],
    [['train', '--optimizer', 'rmsprop'], /--optimizer must be one of adam, sgd/],
    [['train', '--hidden-values', '2'], /--hidden-values must be one of pm1, 01/],
    [['train', '--epochs', '0'], /--epochs must be an integer from 1/],
    [['train', '--batch', '0'], /--batch must be an integer/],
    [['train', '--seeds', '-1'], /--seeds must be an integer/],
    [['train', '--threads', 'many'], /--threads must be an integer/],
    [['train', '--test-limit', '0'], /--test-limit must be an integer ≥ 1/],
    [['train', '--train-limit', '10'], /--train-limit must be at least the batch size 50/],
    [['train', '--task', 'vae', '--hidden', '2'], /--hidden applies to --task bandit; the vae takes --layers N/],
    [['train', '--layers', '2'], /--layers applies to --task vae/],
    [['train', '--test-k', '10'], /--test-k applies to --task vae only/],
    [['train', '--task', 'vae', '--layers', '9'], /--layers must be an integer from 1 to 5/],
    [['train', '--task', 'vae', '--test-k', '0'], /--test-k must be an integer/],
    [['train', '--epochs'], /--epochs needs a value/],
    [['train', '--seed', '1', '--seed', '2'], /--seed given twice/],
    [['train', 'extra'], /unexpected argument 'extra'/],
    [['train', '--data', path.join(tmp, 'no-such-folder')], /--data: .*no-such-folder is not a folder/],
    [['reproduce', 'fig2'], /unknown figure 'fig2'; accepted: fig1, fig3, categorical, appendix-e$/],
    [['train', '--task', 'vae', '--units', 'categorical'], /^hnca: --units applies to --task bandit only \(VAE units are Bernoulli\)$/],
    [['train', '--task', 'vae', '--categories', '3'], /^hnca: --categories applies to --task bandit only/],
    [['train', '--units', 'softmax'], /^hnca: --units must be one of bernoulli, categorical \(got 'softmax'\)$/],
    [['train', '--units', 'categorical', '--categories', '11'], /^hnca: --categories must be an integer from 2 to 10/],
    [['train', '--units', 'categorical', '--categories', '1'], /^hnca: --categories must be an integer from 2 to 10/],
    [['train', '--categories', '3'], /^hnca: --categories needs --units categorical/],
    [['train', '--units', 'categorical', '--hidden-values', '01'], /^hnca: --hidden-values applies to Bernoulli units; categorical units pass on centered one-hot vectors$/],
    [['reproduce', 'categorical', '--categories', '2,11'], /^hnca: --categories must be an integer from 2 to 10/],
    [['reproduce', 'categorical', '--units', 'bernoulli'], /unknown flag --units for hnca reproduce categorical/],
    [['reproduce', 'fig1', '--hidden', '1,x'], /--hidden must be an integer from 1 to 16 \(got 'x'\)/],
    [['reproduce', 'fig1', '--layers', '2'], /unknown flag --layers for hnca reproduce fig1/],
    [['reproduce', 'fig3', '--estimator', 'hnca'], /--estimator: unknown value 'hnca'; accepted: fhnca/],
    [['train', '--ablation', 'all-children'], /^hnca: --ablation applies to --task vae only/],
    [['train', '--task', 'vae', '--estimator', 'reinforce,fhnca', '--ablation', 'full-reward'], /^hnca: --ablation varies fhnca-baseline \(f-HNCA \+ baseline\) only; add --estimator fhnca-baseline \(got reinforce, fhnca\)$/],
    [['train', '--task', 'vae', '--ablation', 'some'], /^hnca: --ablation: unknown value 'some'; accepted: none, all-children, full-reward, all-children\+full-reward, all$/],
    [['reproduce', 'fig1', '--ablation', 'none'], /^hnca: unknown flag --ablation for hnca reproduce fig1/],
    [['reproduce', 'fig3', '--estimator', 'disarm', '--ablation', 'all'], /--ablation varies fhnca-baseline .* \(got disarm\)$/],
    [['frobnicate'], /unknown command 'frobnicate'; accepted: train, reproduce, report, --help, --version$/],
    [['--version', 'train'], /^hnca: --version takes no arguments \(got 'train'\)$/],
    [['train', '-x'], /^hnca: unknown flag -x for hnca train; accepted: --task, /],
    [['train', '--help=yes'], /^hnca: --help takes no value \(got 'yes'\)$/],
    [['train', '--epochs', '--seeds', '2'], /^hnca: --epochs needs a value: N$/],
    [['train', '--task=gan'], /^hnca: --task must be one of bandit, vae, conv-bandit \(got 'gan'\)$/],
    [['train', '--task', 'conv-bandit', '--hidden', '2'], /^hnca: --hidden does not apply to --task conv-bandit: its trunk feeds one Bernoulli layer \(--width N units\)$/],
    [['train', '--task', 'conv-bandit', '--threads', '2'], /^hnca: --threads does not apply to --task conv-bandit: it trains in one thread/],
    [['train', '--task', 'conv-bandit', '--units', 'categorical'], /^hnca: --units applies to --task bandit only \(the conv bandit has Bernoulli units\)$/],
    [['train', '--task', 'conv-bandit', '--conv-layers', '3'], /^hnca: --conv-layers must be an integer from 1 to 2/],
    [['train', '--task', 'conv-bandit', '--estimator', 'fhnca'], /^hnca: --estimator: unknown value 'fhnca' for --task conv-bandit; accepted: hnca, hnca-baseline, reinforce, reinforce-baseline, all$/],
    [['train', '--channels', '8'], /^hnca: --channels applies to --task conv-bandit only$/],
    [['train', '--task', 'vae', '--conv-layers', '1'], /^hnca: --conv-layers applies to --task conv-bandit only$/],
    [['train', '--seeds=2', '--seeds', '3'], /^hnca: --seeds given twice; give it once \(N\)$/],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), async () => {
      const c = capture();
      const args = argv[0] === 'train' ? [...argv, '--out', out] : argv;
      expect(await main(args, c.io)).toBe(2);
      expect(c.err().trimEnd()).toMatch(message);
      expect(c.err().trimEnd().split('\n')).toHaveLength(1);
      expect(c.engines).toHaveLength(0);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('--out in a missing folder fails before training', async () => {
    const c = capture();
    expect(await main(['train', '--data', data, '--out', path.join(tmp, 'missing', 'r.json')], c.io)).toBe(2);
    expect(c.err()).toMatch(/--out: folder .*missing does not exist/);
    expect(c.engines).toHaveLength(0);
  });

  it('--out under a file (not a folder) says so, for train and reproduce', async () => {
    const file = path.join(tmp, 'plain-file.json');
    writeFileSync(file, '{}');
    for (const argv of [['train', '--data', data, '--out', path.join(file, 'r.json')], ['reproduce', 'fig1', '--data', data, '--out', path.join(file, 'grid')]]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err()).toBe(`hnca: --out: ${file} is a file, not a folder\n`);
      expect(c.engines).toHaveLength(0);
    }
  });

  it('bad MNIST data names the file, exit 1', async () => {
    const c = capture();
    expect(await main(['train', '--data', path.join(tmp), '--out', out], c.io)).toBe(1);
    expect(c.err()).toMatch(/^hnca: bad MNIST data: .*train-images-idx3-ubyte: file not found/);
  });

  it('a --data folder of gzip files trains; a missing file, corrupt gzip or a folder in place of a file: one line naming it, exit 1, before any engine', async () => {
    const folder = (name: string, change: (dir: string) => void): string => {
      const dir = path.join(tmp, name);
      cpSync(data, dir, { recursive: true });
      change(dir);
      return dir;
    };
    const gzipAll = (dir: string): void => {
      for (const name of Object.values(MNIST_FILES)) {
        writeFileSync(path.join(dir, `${name}.gz`), gzipSync(readFileSync(path.join(dir, name))));
        rmSync(path.join(dir, name));
      }
    };
    const downloaded = folder('data-gz', gzipAll); // the official downloads' names
    const trained = capture();
    const file = path.join(tmp, 'gz.json');
    expect(await main(['train', '--data', downloaded, '--epochs', '1', '--out', file], trained.io)).toBe(0);
    expect(trained.engines).toHaveLength(1);
    expect(existsSync(file)).toBe(true);

    const bad: [string, RegExp][] = [
      [folder('data-missing', (dir) => rmSync(path.join(dir, MNIST_FILES.testLabels))), /t10k-labels-idx1-ubyte: file not found.*train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte/],
      [
        folder('data-corrupt-gz', (dir) => {
          gzipAll(dir);
          const name = path.join(dir, `${MNIST_FILES.trainLabels}.gz`);
          writeFileSync(name, readFileSync(name).subarray(0, 12));
        }),
        /train-labels-idx1-ubyte(\.gz)?: is gzip-compressed but does not decompress/,
      ],
      [
        folder('data-dir-as-file', (dir) => {
          rmSync(path.join(dir, MNIST_FILES.testImages));
          mkdirSync(path.join(dir, MNIST_FILES.testImages));
        }),
        /t10k-images-idx3-ubyte: is a folder, not a file/,
      ],
    ];
    for (const [dir, message] of bad) {
      const c = capture();
      const target = path.join(tmp, 'never.json');
      expect(await main(['train', '--data', dir, '--out', target], c.io), dir).toBe(1);
      expect(c.err()).toMatch(/^hnca: bad MNIST data: /);
      expect(c.err()).toMatch(message);
      expect(c.err().trimEnd().split('\n')).toHaveLength(1);
      expect(c.err()).not.toMatch(/\n\s+at /); // no stack trace
      expect(c.engines).toHaveLength(0);
      expect(existsSync(target)).toBe(false);
    }
  });
});

describe('train output', () => {
  it('writes the full JSON atomically at the end, with a log line per epoch when not a TTY', async () => {
    const dir = mkdtempSync(path.join(tmp, 'train-'));
    const file = path.join(dir, 'r.json');
    const c = capture();
    const argv = ['train', '--data', data, '--hidden', '2', '--width', '7', '--estimator', 'hnca', '--estimator', 'reinforce-baseline', '--seeds', '2', '--seed', '4', '--epochs', '3', '--batch', '20', '--lr', '3e-3', '--optimizer', 'sgd', '--hidden-values', '01', '--train-limit', '100', '--out', file];
    expect(await main(argv, c.io)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['r.epochs.jsonl', 'r.json']);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.config).toMatchObject({
      task: 'bandit',
      hidden: 2,
      width: 7,
      hiddenValues: '01',
      estimators: ['hnca', 'reinforce-baseline'],
      seeds: [4, 5],
      batch: 20,
      lr: 3e-3,
      optimizer: 'sgd',
      epochs: 3,
      trainLimit: 100,
      testLimit: null,
      engine: 'cpu',
    });
    expect(doc.engine).toMatchObject({ backend: 'cpu', description: 'fake engine for tests', selection: 'fake engine (test)' });
    expect(doc.machine.cpus).toBeGreaterThan(0);
    expect(doc.machine.node).toBe(process.version);
    expect(typeof doc.machine.os).toBe('string');
    expect(doc.dataset).toMatchObject({ train: 100, test: 40, rows: 28, cols: 28 });
    expect(doc.runs.map((r: { estimator: string; seed: number }) => `${r.estimator}/${r.seed}`)).toEqual([
      'hnca/4',
      'reinforce-baseline/4',
      'hnca/5',
      'reinforce-baseline/5',
    ]);
    const e = doc.runs[1].epochs[2];
    expect(Object.keys(e).sort()).toEqual(
      ['epoch', 'evaluationSeconds', 'finite', 'layerGradVariance', 'logMeanGradVariance', 'meanGradVariance', 'seconds', 'testAccuracy', 'trainAccuracy', 'updates'].sort(),
    );
    expect(e).toMatchObject({ epoch: 3, updates: 15, testAccuracy: 0.53, layerGradVariance: [1, 2, 3] });
    // training and evaluation seconds are separated, per epoch and for the whole run
    expect(e.evaluationSeconds).toBeGreaterThanOrEqual(0);
    expect(e.evaluationSeconds).toBeLessThanOrEqual(e.seconds);
    expect(doc.trainingSeconds + doc.evaluationSeconds).toBeCloseTo(doc.seconds, 9);
    expect(doc.evaluationSeconds).toBeCloseTo(doc.runs[0].epochs.reduce((s: number, r: { evaluationSeconds: number }) => s + r.evaluationSeconds, 0), 9);
    expect(e.trainAccuracy).toBeCloseTo(0.2, 12);
    expect(e.logMeanGradVariance).toBeCloseTo(Math.log(0.01), 12);
    expect(c.engines[0].disposed).toBe(true);
    expect(c.out()).toMatch(/^epoch 3\/3 {2}[\d.]+ s/m);
    expect(c.out()).toMatch(/ {2}reinforce-baseline seed 5: train acc 0\.4000 {2}test acc 0\.5300 {2}log var -9\.21/);
    expect(c.out()).not.toContain('\r');
  });

  it('a Ctrl-C after the last update (during the final evaluation) still exits 130: every epoch written, not marked interrupted', async () => {
    for (const figure of [null, 'fig1'] as const) {
      const out = path.join(tmp, figure ? 'late-signal-dir' : 'late-signal.json');
      const c = capture();
      let signal: 'SIGINT' | undefined;
      const write = c.io.stdout.write;
      // the signal arrives as the final epoch's line is printed: after its evaluation, before the results are written
      c.io.stdout.write = (text) => {
        if (/epoch 2\/2 /.test(text)) signal = 'SIGINT';
        write(text);
      };
      c.io.interrupt = { requested: () => signal };
      const argv = figure ? ['reproduce', figure, '--hidden', '1', '--seeds', '1'] : ['train'];
      expect(await main([...argv, '--data', data, '--epochs', '2', '--batch', '10', '--out', out], c.io)).toBe(130);
      expect(c.err()).toBe('');
      expect(c.out()).toContain('SIGINT received with nothing left to stop: every epoch finished and was written\n');
      const doc = JSON.parse(readFileSync(figure ? path.join(out, 'results.json') : out, 'utf8')) as { interrupted?: boolean; runs?: { epochs: unknown[] }[]; grid?: { runs: { epochs: unknown[] }[] }[] };
      expect(doc.interrupted).toBeUndefined();
      expect((doc.runs ?? doc.grid?.[0].runs)?.[0].epochs).toHaveLength(2);
    }
  });

  it('draws a progress bar with epoch, updates/s and ETA on a TTY', async () => {
    const file = path.join(tmp, 'tty.json');
    const c = capture({ tty: true });
    expect(await main(['train', '--data', data, '--epochs', '2', '--batch', '10', '--out', file], c.io)).toBe(0);
    expect(c.out()).toMatch(/\r\x1b\[2K\[[#.]{24}\] epoch 1\/2 {2}[\d.]+ updates\/s {2}ETA (\d+m\d\ds|--:--)/);
    expect(c.out()).toContain('\r\x1b[2Kepoch 2/2: evaluating on the test set…');
  });

  it('VAE runs record trainElbo, testBound and K', async () => {
    const file = path.join(tmp, 'vae.json');
    const c = capture();
    const argv = ['train', '--task', 'vae', '--data', data, '--layers', '3', '--estimator', 'all', '--epochs', '2', '--test-k', '25', '--out', file];
    expect(await main(argv, c.io)).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.config).toMatchObject({ task: 'vae', layers: 3, testK: 25, evaluateEvery: 2 });
    expect(doc.runs).toHaveLength(6);
    const [first, second] = doc.runs[0].epochs;
    expect(first.testBound).toBeNull();
    expect(second).toMatchObject({ testBound: 0.51, k: 25, layerGradVariance: [1, 2, 3] });
    expect(second.trainElbo).toBeCloseTo(0.1, 12);
    expect(second).not.toHaveProperty('trainAccuracy');
    expect(c.out()).toContain('epoch 2/2: evaluating on the test set (K=25 importance-weighted bound)…\n');
    expect(c.out()).not.toContain('epoch 1/2: evaluating');
  });

  it('--ablation turns the fhnca-baseline run into one run per variant, each recorded with its switches', async () => {
    const file = path.join(tmp, 'ablation.json');
    const c = capture();
    const argv = ['train', '--task', 'vae', '--data', data, '--layers', '2', '--estimator', 'reinforce,fhnca-baseline', '--ablation', 'none,all-children+full-reward', '--ablation', 'full-reward', '--epochs', '1', '--out', file];
    expect(await main(argv, c.io)).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const ids = ['reinforce', 'fhnca-baseline', 'fhnca-baseline-all-children-full-reward', 'fhnca-baseline-full-reward'];
    expect(doc.config.estimators).toEqual(ids);
    expect(doc.runs.map((r: { estimator: string }) => r.estimator)).toEqual(ids);
    expect(doc.runs[0]).not.toHaveProperty('ablations');
    expect(doc.runs[1]).not.toHaveProperty('ablations');
    expect(Object.keys(doc.runs[2]).slice(0, 3)).toEqual(['estimator', 'ablations', 'seed']);
    expect(doc.runs[2].ablations).toEqual(['all-children', 'full-reward']);
    expect(doc.runs[3].ablations).toEqual(['full-reward']);
    expect(c.engines[0].runs.map((r) => r.estimator)).toEqual(ids);
  });

  it('a run that fails midway exits 1 and leaves no results file (the epoch log holds the finished epochs)', async () => {
    const dir = mkdtempSync(path.join(tmp, 'fail-'));
    const c = capture({ failAt: 5 });
    expect(await main(['train', '--data', data, '--epochs', '2', '--out', path.join(dir, 'r.json')], c.io)).toBe(1);
    expect(c.err()).toContain('fake engine failure');
    expect(readdirSync(dir)).toEqual(['r.epochs.jsonl']);
    for (const line of readFileSync(path.join(dir, 'r.epochs.jsonl'), 'utf8').trim().split('\n').filter(Boolean)) {
      expect(JSON.parse(line)).toMatchObject({ epoch: 1, finite: true });
    }
    expect(c.engines[0].disposed).toBe(true);
  });
});

describe('reproduce', () => {
  it('fig1 writes JSON, CSV, SVG charts and a markdown table beside the paper', async () => {
    const dir = path.join(tmp, 'fig1');
    const c = capture();
    expect(await main(['reproduce', 'fig1', '--data', data, '--hidden', '1,3', '--seeds', '3', '--epochs', '2', '--out', dir], c.io)).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      [
        'epochs.jsonl',
        'results.json',
        'results.csv',
        'results.md',
        'machine.md',
        ...[1, 3].flatMap((l) => ['train-accuracy', 'test-accuracy', 'log-grad-variance'].flatMap((m) => [`fig1-L${l}-${m}.svg`, `fig1-L${l}-${m}.vl.json`])),
      ].sort(),
    );
    const doc = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
    expect(doc.grid.map((g: { hidden: number; runs: unknown[] }) => [g.hidden, g.runs.length])).toEqual([
      [1, 12],
      [3, 12],
    ]);
    const csv = readFileSync(path.join(dir, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('hidden_layers,estimator,seed,update,epoch,train_accuracy,test_accuracy,log_mean_grad_variance,log_grad_variance_hidden1,log_grad_variance_hidden2,log_grad_variance_hidden3,log_grad_variance_output,stopped');
    expect(csv).toHaveLength(1 + 2 * 12 * 2);
    const md = readFileSync(path.join(dir, 'results.md'), 'utf8');
    expect(md).toContain('| 1 | HNCA | 3 | 0.5000 ± 0.9937 | 0.5200 ± 0.0000 | 0.9469 ± 0.0008 |');
    expect(md).toContain('| 3 | REINFORCE | 3 |');
    expect(md).toContain('-4.98 ± 0.02');
    // the printed variance and the same on our metric's scale (printed + ln 6, docs/math.md §4), with the note saying why
    expect(md).toContain('| -13.07 ± 0.02 | -11.28 ± 0.02 |');
    expect(md).toContain('compare our log variance with "paper + ln 6"');
    const svg = readFileSync(path.join(dir, 'fig1-L3-log-grad-variance.svg'), 'utf8');
    for (const label of ['HNCA', 'HNCA + baseline', 'REINFORCE', 'REINFORCE + baseline', 'epoch', 'ln(mean per-parameter variance)']) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(c.out()).toContain('hidden 3  fake engine (test)');
  });

  it('a second reproduce into the same --out moves the earlier results to <folder>.earlier-1; a folder with other files is refused', async () => {
    const dir = path.join(tmp, 'again-fig1');
    const args = ['reproduce', 'fig1', '--data', data, '--hidden', '1', '--seeds', '1', '--epochs', '1', '--out', dir];
    expect(await main(args, capture().io)).toBe(0);
    const earlier = readFileSync(path.join(dir, 'results.json'), 'utf8');
    const c = capture();
    expect(await main(args, c.io)).toBe(0);
    expect(c.out()).toContain(`an earlier run's results in ${dir} moved to ${dir}.earlier-1 (nothing overwritten)`);
    expect(readFileSync(path.join(`${dir}.earlier-1`, 'results.json'), 'utf8')).toBe(earlier);
    expect(readFileSync(path.join(`${dir}.earlier-1`, 'epochs.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(0);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const refused = capture();
    expect(await main(args, refused.io)).toBe(2);
    expect(refused.err()).toBe(`hnca: --out: ${dir} holds an earlier run's results beside other files (notes.txt); give another folder\n`);
    expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('fig3 writes ELBO and variance charts and the paper ordering', async () => {
    const dir = path.join(tmp, 'fig3');
    const c = capture();
    const argv = ['reproduce', 'fig3', '--data', data, '--layers', '2', '--seeds', '1', '--epochs', '2', '--estimator', 'fhnca,disarm', '--out', dir];
    expect(await main(argv, c.io)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['epochs.jsonl', 'fig3-L2-log-grad-variance.svg', 'fig3-L2-log-grad-variance.vl.json', 'fig3-L2-train-elbo.svg', 'fig3-L2-train-elbo.vl.json', 'machine.md', 'results.csv', 'results.json', 'results.md']);
    const md = readFileSync(path.join(dir, 'results.md'), 'utf8');
    expect(md).toContain('| 2 | DisARM | 1 | 0.20 | 0.51 (K=100) |');
    expect(md).toContain('f-HNCA with baseline is best');
  });

  it('fig3 --ablation all: plain f-HNCA + baseline and every ablation in each cell, labelled in the table and charts', async () => {
    const dir = path.join(tmp, 'fig3-ablation');
    const c = capture();
    const argv = ['reproduce', 'fig3', '--data', data, '--layers', '1,2', '--seeds', '2', '--epochs', '1', '--estimator', 'fhnca-baseline', '--ablation', 'all', '--out', dir];
    expect(await main(argv, c.io)).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
    expect(doc.grid.map((g: { layers: number; runs: unknown[] }) => [g.layers, g.runs.length])).toEqual([
      [1, 8],
      [2, 8],
    ]);
    expect(doc.grid[1].runs[1]).toMatchObject({ estimator: 'fhnca-baseline-all-children', ablations: ['all-children'], seed: 0 });
    const md = readFileSync(path.join(dir, 'results.md'), 'utf8');
    for (const label of ['f-HNCA + baseline', 'f-HNCA + baseline (all children)', 'f-HNCA + baseline (full reward)', 'f-HNCA + baseline (all children, full reward)']) {
      expect(md).toContain(`| 2 | ${label} | 2 |`);
      expect(readFileSync(path.join(dir, 'fig3-L2-log-grad-variance.svg'), 'utf8')).toContain(`>${label}</text>`);
    }
  });

  it('--out that is a file is refused before training', async () => {
    const c = capture();
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, 'x');
    expect(await main(['reproduce', 'fig1', '--data', data, '--out', file], c.io)).toBe(2);
    expect(c.err()).toMatch(/--out: .*a-file is a file; give a folder/);
  });
});

describe('parseFlags (node:util parseArgs underneath)', () => {
  const specs: FlagSpec[] = [
    { name: 'width', value: 'N', defaultText: '200', help: 'units' },
    { name: 'estimator', value: 'E', defaultText: 'hnca', help: 'estimator', repeatable: true },
  ];
  it('takes --name value and --name=value, keeps repeated values in order, and values starting with one dash', () => {
    const flags = parseFlags(['--estimator=hnca,reinforce', '--width', '-5', 'extra', '--estimator', 'disarm'], specs, 'test');
    expect(flags.values).toEqual(
      new Map([
        ['width', ['-5']],
        ['estimator', ['hnca,reinforce', 'disarm']],
      ]),
    );
    expect(flags.positionals).toEqual(['extra']);
    expect(flags.help).toBe(false);
  });
  it('-h anywhere asks for help; after -- everything is positional', () => {
    const flags = parseFlags(['--width=', '-h', '--', '--estimator'], specs, 'test');
    expect(flags.help).toBe(true);
    expect(flags.values.get('width')).toEqual(['']);
    expect(flags.positionals).toEqual(['--estimator']);
  });
});
