// Hover details of a chart row: update, epoch, and every series' value (mean over seeds, with the band).
import type { EstimatorId } from '../../engine/types.ts';
import type { ChartLineStyle } from '../model/chartMarks.ts';
import { bandKey, seriesKey, type ChartRow } from '../model/chartSeries.ts';
import { estimatorLabel } from '../model/config.ts';
import { formatNumber } from '../model/format.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';

export function ChartTooltip({ row, estimators, lines, digits }: { row: ChartRow; estimators: EstimatorId[]; lines: ChartLineStyle[]; digits: number }) {
  return (
    <div className="chart-tooltip">
      <div>
        update <b>{row.update}</b>, epoch <b>{row.epoch.toFixed(3)}</b>
      </div>
      {estimators.map((e) => (
        <div key={e} style={{ color: ESTIMATOR_COLORS[e] }}>
          {estimatorLabel(e)}:{' '}
          {lines.map((l) => {
            const value = row[seriesKey(e, l.name)];
            const band = row[bandKey(e, l.name)];
            if (typeof value !== 'number') return null;
            return (
              <span key={l.name}>
                {l.label} {formatNumber(value, digits)}
                {Array.isArray(band) ? ` [${formatNumber(band[0], digits)}, ${formatNumber(band[1], digits)}]` : ''}{' '}
              </span>
            );
          })}
        </div>
      ))}
    </div>
  );
}
