import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../../engine/types.ts';
import type { MetricPoint } from '../../worker/protocol.ts';
import { bandKey, buildChartRows, seriesKey, TEST_ACCURACY, TRAIN_ACCURACY } from './chartSeries.ts';
import { defaultConfig } from '../../playground/config.ts';
import { downsample, downsampleIndices, minMaxBucketIndices } from './downsample.ts';
import { paddedExtent } from './chartMarks.ts';
import { formatNumber } from './format.ts';
import { latestValues } from './latestValues.ts';
import { PAPER_VARIANCE_OFFSET, paperVarianceMarkers } from './paperReference.ts';
import { rasterizeDrawing } from './drawnDigit.ts';
import { summarizeActions } from './evaluationSummary.ts';
import { formatDuration } from './format.ts';
import { metricsCsv, metricsJson } from './metricsExport.ts';
import { paperValuesFor } from './paperReference.ts';
import { meanBand, stoppedSummary } from './seedStatistics.ts';

describe('meanBand', () => {
  it('is the mean with a t-based 95% band', () => {
    const band = meanBand([1, 2, 3]);
    expect(band?.mean).toBe(2);
    // sd = 1, n = 3, t(0.975, 2) = 4.303
    expect(band?.high).toBeCloseTo(2 + 4.303 / Math.sqrt(3), 6);
    expect(band?.low).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 6);
  });
  it('ignores NaN (stopped runs) and returns null for none', () => {
    expect(meanBand([Number.NaN, 4])).toEqual({ mean: 4, low: 4, high: 4, n: 1 });
    expect(meanBand([Number.NaN])).toBeNull();
  });
  it('keeps −∞ (ln of a variance of exactly 0) as a value: the mean is −∞, not missing', () => {
    expect(meanBand([Number.NEGATIVE_INFINITY, -3])).toEqual({ mean: Number.NEGATIVE_INFINITY, low: Number.NEGATIVE_INFINITY, high: Number.NEGATIVE_INFINITY, n: 2 });
    expect(meanBand([Number.NEGATIVE_INFINITY, Number.NaN])?.mean).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('a gradient variance of exactly 0 (ln = −∞) is shown as −∞, not as "no value"', () => {
  const runs: RunSpec[] = [
    { index: 0, estimator: 'hnca', seed: 1 },
    { index: 1, estimator: 'hnca', seed: 2 },
  ];
  const points: MetricPoint[] = [1, 2].map((update) => ({
    update,
    epoch: update / 10,
    tested: false,
    runs: [
      { train: 0.5, test: null, logVar: Number.NEGATIVE_INFINITY, layerLogVar: [Number.NEGATIVE_INFINITY, -2] },
      { train: 0.5, test: null, logVar: Number.NEGATIVE_INFINITY, layerLogVar: [Number.NEGATIVE_INFINITY, -2] },
    ],
  }));
  it('in the table', () => {
    const [row] = latestValues(points, runs, ['hnca']);
    expect(row.logVar).toBe(Number.NEGATIVE_INFINITY);
    expect(formatNumber(row.logVar, 2)).toBe('−∞');
    expect(formatNumber(null, 2)).toBe('—');
  });
  it('in the chart rows (no band around −∞)', () => {
    const rows = buildChartRows(points, runs, ['hnca'], [{ name: 'logVar', value: (r) => r.logVar }]);
    expect(rows[0][seriesKey('hnca', 'logVar')]).toBe(Number.NEGATIVE_INFINITY);
    expect(rows[0][bandKey('hnca', 'logVar')]).toBeNull();
    expect(paddedExtent([Number.NEGATIVE_INFINITY, -2, -4])).toEqual([-4.1, -1.9]);
  });
  it('in the CSV and JSON exports', () => {
    const csv = metricsCsv(points, runs, [], { task: 'bandit', varianceLayers: 2, categories: null, testK: null }).trim().split('\n');
    expect(csv[1]).toBe('1,hnca,1,1,0.1,0.5,,-Infinity,-Infinity,-2,0');
    const json = JSON.parse(metricsJson(defaultConfig('patterns'), 'CPU', points, runs, [])) as { points: { runs: { logVar: unknown; layerLogVar: unknown[] }[] }[] };
    expect(json.points[0].runs[0].logVar).toBe('-Infinity');
    expect(json.points[0].runs[0].layerLogVar).toEqual(['-Infinity', -2]);
  });
  it('in the VAE CSV, whose columns name the ELBO, the bound (nats), its K and the encoder layers', () => {
    const csv = metricsCsv(points, runs, [], { task: 'vae', varianceLayers: 2, categories: null, testK: 10 }).trim().split('\n');
    expect(csv[0]).toBe('stochastic_layers,estimator,seed,update,epoch,train_elbo_nats,test_bound_nats,test_bound_k,log_mean_grad_variance,log_grad_variance_encoder1,log_grad_variance_encoder2,stopped');
    expect(csv[1]).toBe('2,hnca,1,1,0.1,0.5,,10,-Infinity,-Infinity,-2,0');
  });
});

describe('the paper’s variance markers', () => {
  it('are the printed value and the same on our scale, printed + ln 6 (docs/math.md §4)', () => {
    expect(PAPER_VARIANCE_OFFSET).toBeCloseTo(1.792, 3);
    const { printed, ourScale } = paperVarianceMarkers({ logVariance: -10.94 });
    expect(printed).toBe(-10.94);
    expect(ourScale).toBeCloseTo(-10.94 + Math.log(6), 12);
  });
});

describe('downsample', () => {
  it('keeps short lists and bounds long ones, with first and last', () => {
    expect(downsampleIndices(3, 10)).toEqual([0, 1, 2]);
    const idx = downsampleIndices(1000, 50);
    expect(idx.length).toBe(50);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(999);
    expect(downsample(['a', 'b', 'c', 'd', 'e'], 3)).toEqual(['a', 'c', 'e']);
    expect(downsampleIndices(0, 5)).toEqual([]);
  });
  it('min/max buckets keep every spike and dip that striding drops, and bound the row count', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 500));
    values[1234] = 50; // a one-point spike
    values[7777] = -50; // a one-point dip
    const other = Array.from({ length: 10_000 }, (_, i) => (i === 4321 ? Number.NEGATIVE_INFINITY : i % 7 === 0 ? null : 0));
    const idx = minMaxBucketIndices(10_000, 600, [(i) => values[i], (i) => other[i]]);
    expect(idx.length).toBeLessThanOrEqual(602);
    expect(idx.length).toBeGreaterThan(100);
    expect(idx).toContain(1234);
    expect(idx).toContain(7777);
    expect(idx).toContain(4321); // −∞ is the smallest value of its bucket
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(9999);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    expect(new Set(idx).size).toBe(idx.length);
    // striding to the same count misses both
    const strided = downsampleIndices(10_000, idx.length);
    expect(strided.includes(1234) && strided.includes(7777)).toBe(false);
    expect(minMaxBucketIndices(5, 600, [(i) => i])).toEqual([0, 1, 2, 3, 4]);
    expect(minMaxBucketIndices(0, 600, [])).toEqual([]);
    // a series with no values at all still gets one row per bucket (the x axis has no holes)
    expect(minMaxBucketIndices(1000, 20, [() => null]).length).toBe(11);
  });
});

describe('buildChartRows', () => {
  const runs: RunSpec[] = [
    { index: 0, estimator: 'hnca', seed: 1 },
    { index: 1, estimator: 'reinforce', seed: 1 },
    { index: 2, estimator: 'hnca', seed: 2 },
    { index: 3, estimator: 'reinforce', seed: 2 },
  ];
  const point = (update: number, test: boolean): MetricPoint => ({
    update,
    epoch: update / 100,
    tested: test,
    runs: runs.map((r) => ({ train: r.index * 0.1 + update / 1000, test: test ? 0.5 + r.seed * 0.1 : null, logVar: -r.index, layerLogVar: [-1, -2] })),
  });
  it('gives mean and band per estimator, and keeps every test point', () => {
    const points = Array.from({ length: 500 }, (_, i) => point(i + 1, (i + 1) % 5 === 0));
    const rows = buildChartRows(points, runs, ['hnca', 'reinforce'], [TRAIN_ACCURACY, TEST_ACCURACY], 50);
    expect(rows.length).toBeLessThanOrEqual(104); // about maxRows for the dense series and as many for the sparse
    expect(rows.map((r) => r.update)).toEqual([...rows.map((r) => r.update)].sort((a, b) => a - b));
    const first = rows[0];
    expect(first[seriesKey('hnca', 'train')]).toBeCloseTo((0 + 0.2) / 2 + 0.001, 9);
    expect(first[bandKey('hnca', 'train')]).not.toBeNull();
    expect(rows.at(-1)?.update).toBe(500);
    const testRows = rows.filter((r) => r[seriesKey('hnca', 'test')] !== null);
    expect(testRows.length).toBeGreaterThan(5); // chosen among the tested points only
    expect(testRows.every((r) => r.update % 5 === 0)).toBe(true);
    expect(testRows.at(-1)?.update).toBe(500);
    expect(testRows[0][seriesKey('reinforce', 'test')]).toBeCloseTo(0.65, 9);
  });
});

describe('summarizeActions', () => {
  it('counts the confusion matrix and per-class accuracy', () => {
    const s = summarizeActions(new Uint8Array([0, 0, 1, 2]), new Uint8Array([0, 1, 1, 1]), 3);
    expect(s.confusion).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    expect(s.perClassAccuracy).toEqual([0.5, 1, 0]);
    expect(s.accuracy).toBe(0.5);
  });
});

describe('rasterizeDrawing', () => {
  it('centres a drawn stroke in the frame', () => {
    const width = 100;
    const height = 100;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 10; y < 30; y++) for (let x = 10; x < 14; x++) data[(y * width + x) * 4 + 3] = 255; // a short vertical stroke, top left
    const out = rasterizeDrawing({ width, height, data }, 28, 28);
    const on = [...out.keys()].filter((i) => out[i] === 1);
    expect(on.length).toBeGreaterThan(20);
    const rows = on.map((i) => Math.floor(i / 28));
    expect(Math.min(...rows)).toBe(4);
    expect(Math.max(...rows)).toBe(23);
    expect(rasterizeDrawing({ width, height, data: new Uint8ClampedArray(width * height * 4) }, 28, 28).every((v) => v === 0)).toBe(true);
  });
});

describe('paperValuesFor', () => {
  it('matches the paper setting only', () => {
    const paper = defaultConfig('mnist');
    expect(paperValuesFor(paper).map((v) => v.estimator)).toEqual(['hnca', 'reinforce']);
    expect(paperValuesFor({ ...paper, lr: 1e-3 })).toEqual([]);
    expect(paperValuesFor({ ...paper, hidden: 4 })).toEqual([]);
  });
});

describe('formatting and export', () => {
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3700)).toBe('1h 01m');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
  it('writes one CSV row per point and run in the results schema, blank for NaN', () => {
    const csv = metricsCsv(
      [{ update: 10, epoch: 0.5, tested: false, runs: [{ train: 0.5, test: null, logVar: Number.NaN, layerLogVar: [-3, -4] }] }],
      [{ index: 0, estimator: 'hnca', seed: 1 }],
      [],
      { task: 'bandit', varianceLayers: 2, categories: null, testK: null },
    );
    expect(csv).toBe('hidden_layers,estimator,seed,update,epoch,train_accuracy,test_accuracy,log_mean_grad_variance,log_grad_variance_hidden1,log_grad_variance_output,stopped\n1,hnca,1,10,0.5,0.5,,,-3,-4,0\n');
  });
});

describe('stopped runs in means, bands and exports', () => {
  const runs: RunSpec[] = [
    { index: 0, estimator: 'hnca', seed: 1 },
    { index: 1, estimator: 'hnca', seed: 2 },
    { index: 2, estimator: 'reinforce', seed: 1 },
    { index: 3, estimator: 'reinforce', seed: 2 },
  ];
  const run = (train: number): MetricPoint['runs'][number] => ({ train, test: null, logVar: train, layerLogVar: [train, train] });
  const points: MetricPoint[] = [
    { update: 10, epoch: 0.1, tested: false, runs: [run(0.4), run(0.6), run(0.3), run(0.5)] },
    { update: 20, epoch: 0.2, tested: false, runs: [run(0.5), run(Number.NaN), run(0.4), run(0.6)] },
  ];
  const failures = [{ run: 1, failure: 'NaN in the output logits', update: 20, epoch: 0.2 }];

  it('says "stopped k/N (first reason)" per estimator, and nothing when none stopped', () => {
    expect(stoppedSummary(failures, [0, 1])).toBe('stopped 1/2 (NaN in the output logits)');
    expect(stoppedSummary(failures, [2, 3])).toBe('');
    expect(stoppedSummary([...failures, { run: 0, failure: 'Infinity in a weight', update: 30, epoch: 0.3 }], [0, 1])).toBe('stopped 2/2 (NaN in the output logits)');
  });

  it('the mean after a run stopped is over the live runs only, with no band from one run', () => {
    const rows = buildChartRows(points, runs, ['hnca', 'reinforce'], [TRAIN_ACCURACY]);
    expect(rows[1][seriesKey('hnca', 'train')]).toBe(0.5);
    expect(rows[1][bandKey('hnca', 'train')]).toBeNull();
    expect(rows[1][seriesKey('reinforce', 'train')]).toBe(0.5);
  });

  it('exports mark the stopped rows and summarize per estimator', () => {
    const csv = metricsCsv(points, runs, failures, { task: 'bandit', varianceLayers: 2, categories: null, testK: null }).trim().split('\n');
    expect(csv[0].endsWith(',stopped')).toBe(true);
    const at = (update: number): string[][] => csv.slice(1).map((line) => line.split(',')).filter((cells) => cells[3] === String(update));
    expect(at(20).map((cells) => cells.at(-1))).toEqual(['0', '1', '0', '0']);
    expect(at(10).map((cells) => cells.at(-1))).toEqual(['0', '0', '0', '0']);
    // the stopped row's metric cells are empty
    expect(at(20)[1].slice(5, -1)).toEqual(['', '', '', '', '']);
    const json = JSON.parse(metricsJson(defaultConfig('patterns'), 'CPU', points, runs, failures)) as { stopped: Record<string, string>; points: { runs: { train: number | null }[] }[] };
    expect(json.stopped).toEqual({ hnca: 'stopped 1/2 (NaN in the output logits)', reinforce: 'none' });
    expect(json.points[1].runs[1].train).toBeNull();
  });
});
