// One legend for every chart: a colour per estimator, line styles, bands, markers.
import type { BanditEstimator } from '../../engine/types.ts';
import { estimatorLabel } from '../model/config.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';

export function ChartLegend({ estimators, seeds, paper }: { estimators: BanditEstimator[]; seeds: number; paper: boolean }) {
  return (
    <div className="legend" data-testid="legend">
      {estimators.map((e) => (
        <span key={e} className="legend-item">
          <span className="swatch" style={{ background: ESTIMATOR_COLORS[e] }} />
          {estimatorLabel(e)}
        </span>
      ))}
      <span className="legend-note">
        solid: online train · dashed: test · {seeds > 1 ? `line: mean of ${seeds} seeds, band: 95% confidence interval` : 'one seed (choose more seeds for a 95% band)'}
        {paper ? ' · dotted horizontal lines: the paper’s values after 100 epochs' : ''}
      </span>
    </div>
  );
}
