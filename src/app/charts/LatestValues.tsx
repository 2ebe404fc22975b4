// The latest values per estimator (mean over seeds) as a table: readable on a projector,
// and what the browser tests read.
import { memo, useMemo } from 'react';
import type { EstimatorId, RunSpec } from '../../engine/types.ts';
import { estimatorLabel } from '../model/config.ts';
import { formatNumber } from '../model/format.ts';
import { estimatorTextColor } from '../model/palette.ts';
import { latestValues } from '../model/latestValues.ts';
import { stoppedSummary } from '../model/seedStatistics.ts';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';

function LatestValuesView({
  points,
  failures,
  runs,
  estimators,
  vaeK,
  varianceUndefined = false,
}: {
  points: MetricPoint[];
  failures: RunFailure[];
  runs: readonly RunSpec[];
  estimators: EstimatorId[];
  /** the VAE's K (its columns are the ELBO and the test bound); absent for the bandit */
  vaeK?: number;
  /** the batch is one example: the variance column says it is undefined rather than a number */
  varianceUndefined?: boolean;
}) {
  const rows = useMemo(() => latestValues(points, runs, estimators), [points, runs, estimators]);
  const seedsOf = (estimator: EstimatorId): number[] => runs.filter((r) => r.estimator === estimator).map((r) => r.index);
  return (
    <table className="latest" data-testid="latest-values" data-update={points.at(-1)?.update ?? 0}>
      <thead>
        <tr>
          <th>estimator</th>
          {vaeK === undefined ? (
            <>
              <th title="Mean reward over the last window of updates">train accuracy</th>
              <th title="Mean reward on the test images at the last evaluation">test accuracy</th>
              <th title="Natural log of the mean per-parameter gradient variance, last window">ln grad variance</th>
            </>
          ) : (
            <>
              <th title="Mean single-sample ELBO over the last window of updates, nats per image">train ELBO (nats)</th>
              <th title={`The ${vaeK}-sample importance-weighted bound on the test images at the last evaluation, nats per image`}>test bound K={vaeK} (nats)</th>
              <th title="Natural log of the mean per-parameter encoder-gradient variance, last window">ln encoder-grad variance</th>
            </>
          )}
          <th title="Runs (seeds) in the means: a run that stopped on a non-finite value is left out of every mean and band">runs</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.estimator}>
            <td style={{ color: estimatorTextColor(r.estimator) }}>{estimatorLabel(r.estimator)}</td>
            <td data-testid={`latest-train-${r.estimator}`}>{formatNumber(r.train, vaeK === undefined ? 3 : 2)}</td>
            <td data-testid={`latest-test-${r.estimator}`}>{formatNumber(r.test, vaeK === undefined ? 3 : 2)}</td>
            <td data-testid={`latest-logvar-${r.estimator}`} title={varianceUndefined ? 'A batch of one example has no gradient spread within the batch' : undefined}>
              {varianceUndefined && (r.logVar === null || !Number.isFinite(r.logVar)) ? 'undefined (batch 1)' : formatNumber(r.logVar, 2)}
            </td>
            <td data-testid={`latest-runs-${r.estimator}`} className={stoppedSummary(failures, seedsOf(r.estimator)) ? 'failure' : undefined}>
              {stoppedSummary(failures, seedsOf(r.estimator)) || `all ${seedsOf(r.estimator).length}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const LatestValues = memo(LatestValuesView);
