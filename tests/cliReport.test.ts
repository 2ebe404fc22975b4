// Stopped runs are counted honestly in the reproduce report (issue 15).
import { describe, expect, it } from 'vitest';
import type { BanditEpochRecord, RunResult } from '../src/engine/records.ts';
import { aggregate, gridCharts, gridMarkdown, stoppedSummary, type GridCell } from '../src/cli/report.ts';

function record(epoch: number, accuracy: number, finite: boolean): BanditEpochRecord {
  return {
    epoch,
    meanGradVariance: finite ? 1e-4 : Number.NaN,
    logMeanGradVariance: finite ? Math.log(1e-4) : Number.NaN,
    layerGradVariance: [1e-4, 1e-4],
    updates: epoch * 10,
    seconds: 1,
    finite,
    ...(finite ? {} : { failure: 'non-finite gradient at update 9' }),
    trainAccuracy: accuracy,
    testAccuracy: accuracy,
  };
}

const run = (seed: number, accuracies: number[], stopsAt?: number): RunResult => ({
  estimator: 'hnca',
  seed,
  epochs: accuracies.map((a, i) => record(i + 1, a, stopsAt === undefined || i + 1 < stopsAt)),
});

describe('stopped runs in the reproduce report', () => {
  it('all seeds stopped: no mean, no interval, and the table says stopped 4/4 with the reason', () => {
    const cell: GridCell = { depth: 1, runs: [0, 1, 2, 3].map((s) => run(s, [0.1, 0.1, 0.1], 2)) };
    const md = gridMarkdown('fig1', [cell], 3, []);
    const row = md.split('\n').find((l) => l.startsWith('| 1 | HNCA'));
    expect(row).toMatch(/^\| 1 \| HNCA \| 0 \| — \| — \| .* \| — \| .* \| stopped 4\/4 \(non-finite gradient at update 9\) \|$/);
  });

  it('a mix: the mean is over the finished seeds only, and the stopped ones are named', () => {
    const cell: GridCell = { depth: 2, runs: [run(0, [0.5, 0.7]), run(1, [0.5, 0.9]), run(2, [0.2, 0.99], 2)] };
    expect(stoppedSummary(cell.runs)).toBe('stopped 1/3 (non-finite gradient at update 9)');
    const row = gridMarkdown('fig1', [cell], 2, []).split('\n').find((l) => l.startsWith('| 2 | HNCA'));
    // mean of 0.7 and 0.9 (not 0.99 of the stopped run)
    expect(row).toMatch(/^\| 2 \| HNCA \| 2 \| 0\.8000 ± \d+\.\d{4} \| 0\.8000 ± /);
    expect(row).toMatch(/\| stopped 1\/3 \(non-finite gradient at update 9\) \|$/);
    // per-epoch chart means leave out records made after a run stopped
    const perEpoch = aggregate(cell, 'hnca', 'testAccuracy');
    expect(perEpoch[0].stat.n).toBe(3);
    expect(perEpoch[1].stat).toMatchObject({ n: 2, mean: 0.8 });
    const chart = Object.entries(gridCharts('fig1', [cell])).find(([name]) => name.includes('test-accuracy'))?.[1] ?? '';
    expect(chart).toContain('1/3 runs stopped');
  });

  it('no stopped run: an empty summary and a dash in the table', () => {
    const cell: GridCell = { depth: 1, runs: [run(0, [0.5]), run(1, [0.6])] };
    expect(stoppedSummary(cell.runs)).toBe('');
    expect(gridMarkdown('fig1', [cell], 1, []).split('\n').find((l) => l.startsWith('| 1 | HNCA'))).toMatch(/\| — \|$/);
  });
});
