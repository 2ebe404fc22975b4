// One legend for every chart: a colour per estimator, line styles, bands, markers.
import type { EstimatorId, RunSpec } from '../../engine/types.ts';
import type { RunFailure } from '../../worker/protocol.ts';
import { estimatorLabel } from '../model/config.ts';
import { estimatorColor } from '../model/palette.ts';
import { stoppedSummary } from '../model/seedStatistics.ts';

/** Colours, line styles, and which runs stopped (left out of the means and bands). */
export function ChartLegend({
  estimators,
  seeds,
  paper,
  runs,
  failures,
  lineNote = 'solid: online train · dashed: test',
  smoothing = 0,
}: {
  estimators: readonly EstimatorId[];
  seeds: number;
  paper: boolean;
  runs: readonly RunSpec[];
  failures: readonly RunFailure[];
  /** what the line styles mean */
  lineNote?: string;
  /** the EMA weight the curves are smoothed with (0: not smoothed) */
  smoothing?: number;
}) {
  return (
    <div className="legend" data-testid="legend">
      {estimators.map((e) => (
        <span key={e} className="legend-item">
          <span className="swatch" style={{ background: estimatorColor(e) }} />
          {estimatorLabel(e)}
          {(() => {
            const stopped = stoppedSummary(failures, runs.filter((r) => r.estimator === e).map((r) => r.index));
            return stopped ? (
              <span className="failure" data-testid={`legend-stopped-${e}`} title="Runs that stopped on a non-finite value are left out of the mean and band from then on">
                {' '}
                — {stopped}, left out of the mean
              </span>
            ) : null;
          })()}
        </span>
      ))}
      <span className="legend-note">
        {lineNote} · {seeds > 1 ? `line: mean of ${seeds} seeds, band: 95% confidence interval` : 'one seed (choose more seeds for a 95% band)'}
        {smoothing > 0 ? ` · curves smoothed (moving average, weight ${smoothing} of the past)` : ''}
        {paper ? ' · horizontal lines: the paper’s values after 100 epochs, listed under each chart' : ''}
      </span>
    </div>
  );
}
