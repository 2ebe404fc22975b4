import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../../engine/types.ts';
import type { MetricPoint } from '../../worker/protocol.ts';
import { bandKey, buildChartRows, seriesKey, TEST_ACCURACY, TRAIN_ACCURACY } from './chartSeries.ts';
import { defaultConfig } from '../../playground/config.ts';
import { downsample, downsampleIndices } from './downsample.ts';
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
  it('ignores non-finite values and returns null for none', () => {
    expect(meanBand([Number.NaN, 4])).toEqual({ mean: 4, low: 4, high: 4, n: 1 });
    expect(meanBand([Number.NaN])).toBeNull();
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
    expect(rows.length).toBeLessThanOrEqual(100);
    const first = rows[0];
    expect(first[seriesKey('hnca', 'train')]).toBeCloseTo((0 + 0.2) / 2 + 0.001, 9);
    expect(first[bandKey('hnca', 'train')]).not.toBeNull();
    const testRows = rows.filter((r) => r[seriesKey('hnca', 'test')] !== null);
    expect(testRows.length).toBe(50);
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
  it('writes one CSV row per point and run, blank for non-finite values', () => {
    const csv = metricsCsv(
      [{ update: 10, epoch: 0.5, tested: false, runs: [{ train: 0.5, test: null, logVar: Number.NaN, layerLogVar: [-3, -4] }] }],
      [{ index: 0, estimator: 'hnca', seed: 1 }],
      2,
      [],
    );
    expect(csv).toBe('update,epoch,estimator,seed,train_accuracy,test_accuracy,log_mean_grad_variance,log_var_layer1,log_var_output,stopped\n10,0.500000,hnca,1,0.5,,,-3,-4,0\n');
  });
});

describe('stopped runs in means, bands and exports', () => {
  const runs: RunSpec[] = [
    { index: 0, estimator: 'hnca', seed: 1 },
    { index: 1, estimator: 'hnca', seed: 2 },
    { index: 2, estimator: 'reinforce', seed: 1 },
    { index: 3, estimator: 'reinforce', seed: 2 },
  ];
  const run = (train: number): MetricPoint['runs'][number] => ({ train, test: null, logVar: train, layerLogVar: [train] });
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
    const csv = metricsCsv(points, runs, 1, failures).trim().split('\n');
    expect(csv[0].endsWith(',stopped')).toBe(true);
    expect(csv.filter((line) => line.startsWith('20,')).map((line) => line.split(',').at(-1))).toEqual(['0', '1', '0', '0']);
    expect(csv.filter((line) => line.startsWith('10,')).map((line) => line.split(',').at(-1))).toEqual(['0', '0', '0', '0']);
    const json = JSON.parse(metricsJson(defaultConfig('patterns'), 'CPU', points, runs, failures)) as { stopped: Record<string, string>; points: { runs: { train: number | null }[] }[] };
    expect(json.stopped).toEqual({ hnca: 'stopped 1/2 (NaN in the output logits)', reinforce: 'none' });
    expect(json.points[1].runs[1].train).toBeNull();
  });
});
