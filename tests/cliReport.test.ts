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

describe("Figure 3's orderings against the paper's sentences", () => {
  const vaeRun = (estimator: RunResult['estimator'], seed: number, elbo: number): RunResult => ({
    estimator,
    seed,
    epochs: [{ epoch: 1, meanGradVariance: 1, logMeanGradVariance: 0, layerGradVariance: [1], updates: 10, seconds: 1, finite: true, trainElbo: elbo, testBound: elbo + 1, k: 100 }],
  });
  /** two seeds per estimator, ELBO ± 0.01 (95% CI ± 0.13) */
  const cell = (depth: number, elbos: Partial<Record<RunResult['estimator'], number>>): GridCell => ({
    depth,
    runs: Object.entries(elbos).flatMap(([e, v]) => [vaeRun(e as RunResult['estimator'], 0, (v ?? 0) - 0.01), vaeRun(e as RunResult['estimator'], 1, (v ?? 0) + 0.01)]),
  });
  const verdict = (md: string, depth: number, text: string): string | undefined =>
    md
      .split('\n')
      .find((l) => l.startsWith(`| ${depth} | ${text}`))
      ?.split('|')[3]
      ?.trim();

  it('says which sentences hold, which do not, which are within noise, and which were not run', () => {
    const md = gridMarkdown(
      'fig3',
      [
        cell(1, { fhnca: -100, 'fhnca-baseline': -100.05, reinforce: -130, disarm: -105 }),
        cell(2, { fhnca: -110, 'fhnca-baseline': -104, reinforce: -134, 'reinforce-baseline': -108, 'reinforce-loo': -109.99, disarm: -112 }),
      ],
      20,
      [],
    );
    expect(md).toContain('- 1 layer: f-HNCA (-100.00) > f-HNCA + baseline (-100.05) > DisARM (-105.00) > REINFORCE (-130.00)');
    expect(verdict(md, 1, 'f-HNCA is best of all methods')).toBe('yes');
    expect(verdict(md, 2, 'f-HNCA + baseline is best')).toBe('yes');
    expect(verdict(md, 2, 'plain f-HNCA falls below DisARM')).toBe('no');
    expect(verdict(md, 2, 'plain f-HNCA falls below REINFORCE LOO')).toBe('yes (within the 95% CIs)');
    expect(verdict(md, 2, 'plain f-HNCA falls below REINFORCE + baseline')).toBe('yes');
    expect(verdict(md, 2, 'plain REINFORCE is the worst')).toBe('yes');
    const partial = gridMarkdown('fig3', [cell(3, { fhnca: -110, reinforce: -120 })], 20, []);
    expect(verdict(partial, 3, 'plain f-HNCA falls below DisARM')).toBe('not run');
    expect(verdict(partial, 3, 'plain REINFORCE is the worst')).toBe('yes');
  });
});
