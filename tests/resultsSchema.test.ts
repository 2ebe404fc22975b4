// One results schema (issue 25): the CLI's and the playground's CSV for the same runs have the
// same header and the same values; `hnca reproduce --shard I/N` slices merged by `hnca report`
// give the unsharded run's results.csv and results.md byte for byte; every Vega-Lite spec the
// CLI writes validates against vega-lite's own JSON schema and names only columns of results.csv.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuEngine } from '../src/backends/cpu/index.ts';
import type { EngineConfig } from '../src/engine/types.ts';
import { resultsCell, resultsColumns, resultsCsv, varianceLayerColumns } from '../src/engine/resultsTable.ts';
import { metricsCsv } from '../src/app/model/metricsExport.ts';
import { loadMnist } from '../src/node/mnist.ts';
import { TrainingSession } from '../src/worker/trainingSession.ts';
import { hnca } from './helpers/cliInProcess.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-schema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny = ['--train-limit', '200', '--test-limit', '50', '--width', '8', '--threads', '1'];

describe('the results table', () => {
  it('names its columns in snake_case, one per layer, the union over the depths of a grid', () => {
    expect(resultsColumns({ task: 'bandit', categorical: true, depths: [1, 2] })).toEqual([
      'categories', 'hidden_layers', 'estimator', 'seed', 'update', 'epoch', 'train_accuracy', 'test_accuracy',
      'log_mean_grad_variance', 'log_grad_variance_hidden1', 'log_grad_variance_hidden2', 'log_grad_variance_output', 'stopped',
    ]);
    expect(varianceLayerColumns('conv-bandit', 2)).toEqual(['log_grad_variance_conv1', 'log_grad_variance_conv2', 'log_grad_variance_linear', 'log_grad_variance_output']);
    expect(varianceLayerColumns('vae', 3)).toEqual(['log_grad_variance_encoder1', 'log_grad_variance_encoder2', 'log_grad_variance_encoder3']);
    for (const header of [resultsColumns({ task: 'vae', categorical: false, depths: [3] }), resultsColumns({ task: 'conv-bandit', categorical: false, depths: [2] })]) {
      for (const name of header) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('states non-finite values one way: empty for none or NaN, ±Infinity spelled out', () => {
    expect([null, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0.5, 1e-30].map(resultsCell)).toEqual(['', '', '-Infinity', 'Infinity', '-0.5', '1e-30']);
  });

  it('leaves a shallower cell’s deeper layers empty and puts the output last', () => {
    const row = { categories: null, depth: 1, estimator: 'hnca', seed: 0, update: 4, epoch: 1, train: 0.5, test: null, testK: null, logMeanGradVariance: -3, layerLogGradVariance: [-2, -4], stopped: false };
    expect(resultsCsv({ task: 'bandit', categorical: false, depths: [1, 2] }, [row]).split('\n')[1]).toBe('1,hnca,0,4,1,0.5,,-3,-2,,-4,0');
  });
});

describe('the CLI and the playground write the same table for the same runs', () => {
  it('fig1 with hidden 1: same header, same rows (the playground recording a point per epoch)', async () => {
    const dir = path.join(tmp, 'same');
    const r = await hnca(['reproduce', 'fig1', '--hidden', '1', '--seeds', '2', '--epochs', '2', ...tiny, '--out', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const cli = readFileSync(path.join(dir, 'results.csv'), 'utf8').trimEnd().split('\n');
    const doc = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { grid: { config: Record<string, unknown> }[] };
    const { epochs: _e, evaluateEvery: _v, engine: _g, threads: _t, trainLimit: _l, testLimit: _s, data: _d, ...engineConfig } = doc.grid[0].config;
    const config = engineConfig as unknown as EngineConfig;
    const data = loadMnist({ trainLimit: 200, testLimit: 50 });
    const engine = createCpuEngine({ config, data });
    const session = new TrainingSession(engine, { trainCount: data.train.count, epochs: 2, recordEvery: engine.updatesPerEpoch, evaluateEveryPoints: 1 });
    await new Promise<void>((resolve, reject) => {
      session.onIdle = resolve;
      session.onError = (message) => reject(new Error(message));
      session.play();
    });
    const { points, failures } = session.takeSnapshot();
    session.dispose();
    expect(points).toHaveLength(2);
    const page = metricsCsv(points, engine.runs, failures, { task: 'bandit', varianceLayers: 2, categories: null, testK: null }).trimEnd().split('\n');
    expect(page[0]).toBe(cli[0]);
    expect([...page.slice(1)].sort()).toEqual([...cli.slice(1)].sort());
    expect(cli).toHaveLength(1 + 2 * 4 * 2);
  });
});

describe('grids across machines: --shard I/N and hnca report', () => {
  const grid = ['reproduce', 'fig1', '--hidden', '1,2', '--seeds', '3', '--epochs', '1', '--estimator', 'hnca,reinforce', ...tiny];
  const whole = path.join(tmp, 'whole');
  const slices = [1, 2, 3].map((i) => path.join(tmp, `slice-${i}`));
  const merged = path.join(tmp, 'merged');
  beforeAll(async () => {
    expect((await hnca([...grid, '--out', whole])).status).toBe(0);
    for (const [i, dir] of slices.entries()) {
      const r = await hnca([...grid, '--shard', `${i + 1}/3`, '--out', dir]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`slice ${i + 1} of 3 of the grid: 4 of its 12 runs`);
    }
  });

  it('each slice holds its own (cell, seed) pairs; merged, results.csv and results.md are the unsharded ones byte for byte', async () => {
    const seedsOf = (dir: string): string[] => (JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { grid: { hidden: number; runs: { seed: number }[] }[] }).grid.flatMap((c) => [...new Set(c.runs.map((run) => `${c.hidden}/${run.seed}`))]);
    expect(slices.map(seedsOf)).toEqual([['1/0', '2/0'], ['1/1', '2/1'], ['1/2', '2/2']]);
    const r = await hnca(['report', ...slices.slice().reverse(), '--out', merged]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`merged 3 folders (12 runs) into ${merged}`);
    for (const file of ['results.csv', 'results.md']) expect(readFileSync(path.join(merged, file), 'utf8')).toBe(readFileSync(path.join(whole, file), 'utf8'));
    // the same charts and specs as the unsharded run
    const charts = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.svg') || f.endsWith('.vl.json')).sort();
    expect(charts(merged)).toEqual(charts(whole));
    for (const f of charts(whole)) expect(readFileSync(path.join(merged, f), 'utf8')).toBe(readFileSync(path.join(whole, f), 'utf8'));
    expect(readFileSync(path.join(merged, 'machine.md'), 'utf8')).toContain('slice 2/3');
    // a table beside the paper's numbers says what differs from the paper's setting
    expect(readFileSync(path.join(whole, 'results.md'), 'utf8')).toContain("Settings that differ from the paper's: units per layer 8 (paper: 200).");
    expect(readFileSync(path.join(whole, 'results.md'), 'utf8')).toContain('(1 epoch)');
  });

  it('refuses a missing slice, a slice given twice, a folder of another grid, and unreadable folders in one line', async () => {
    const cases: [string[], RegExp][] = [
      [slices.slice(0, 2), /^hnca: hnca report: hidden 1, hnca seed 2 is in none of the folders given: give every slice's folder$/],
      [[slices[0], slices[0], slices[1]], /^hnca: hnca report: .*slice-1 and .*slice-1 are both slice 1\/3$/],
      [[...slices, whole], /^hnca: hnca report: .* is in both .*$/],
      [[path.join(tmp, 'nowhere')], /^hnca: hnca report: .*nowhere is not a folder$/],
      [[], /^hnca: hnca report: give the folders to merge/],
    ];
    for (const [dirs, message] of cases) {
      const out = path.join(tmp, `refused-${Math.random().toString(36).slice(2)}`);
      const r = await hnca(['report', ...dirs, '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr.trimEnd()).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
    const other = path.join(tmp, 'other-grid');
    expect((await hnca(['reproduce', 'fig1', '--hidden', '1', '--seeds', '3', '--epochs', '1', '--estimator', 'hnca,reinforce', ...tiny, '--shard', '3/3', '--out', other])).status).toBe(0);
    const r = await hnca(['report', slices[0], slices[1], other, '--out', path.join(tmp, 'mixed')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/are slices of different grids/);
  });

  it('refuses --shard out of range in one line', async () => {
    for (const shard of ['0/3', '4/3', '1/0', 'a/b', '1-3']) {
      const r = await hnca([...grid, '--shard', shard, '--out', path.join(tmp, 'bad')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^hnca: --shard takes I\/N with 1 ≤ I ≤ N ≤ 10000/);
    }
    const r = await hnca([...grid, '--shard', '7/7', '--out', path.join(tmp, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/slice 7 is empty; use N ≤ 6/);
  });

  it('writes a Vega-Lite spec beside every SVG chart that validates against vega-lite’s schema and names columns of results.csv', () => {
    // the package's own JSON schema of Vega-Lite specs (not in its exports map: found beside its entry point)
    const entry = createRequire(import.meta.url).resolve('vega-lite');
    const schemaFile = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}vega-lite${path.sep}`) + 'vega-lite'.length + 2), 'build', 'vega-lite-schema.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as object;
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false }).compile(schema);
    const columns = new Set(readFileSync(path.join(whole, 'results.csv'), 'utf8').split('\n')[0].split(','));
    const specs = readdirSync(whole).filter((f) => f.endsWith('.vl.json'));
    expect(specs.sort()).toEqual(readdirSync(whole).filter((f) => f.endsWith('.svg')).map((f) => f.replace(/\.svg$/, '.vl.json')).sort());
    for (const file of specs) {
      const spec = JSON.parse(readFileSync(path.join(whole, file), 'utf8')) as { data: { url: string }; transform: { filter: string }[]; encoding: Record<string, { field: string }>; layer: { encoding: { y: { field: string } } }[] };
      expect(validate(spec), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      expect(spec.data.url).toBe('results.csv');
      const fields = [spec.encoding.x.field, spec.encoding.color.field, ...spec.layer.map((l) => l.encoding.y.field), ...spec.transform.flatMap((t) => [...t.filter.matchAll(/datum\.(\w+)/g)].map((m) => m[1]))];
      for (const field of fields) expect(columns.has(field), `${file} names ${field}`).toBe(true);
    }
    // a spec that names a missing column or a bad mark is caught by the same checks
    expect(validate({ mark: 'not-a-mark', data: { url: 'results.csv' } })).toBe(false);
  });
});
