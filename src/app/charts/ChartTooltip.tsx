// Hover details of a chart row: update, epoch, and every series' value (mean over seeds, with the band).
import type { EstimatorId } from '../../engine/types.ts';
import type { ChartLineStyle } from '../model/chartMarks.ts';
import { bandKey, seriesKey, type ChartRow } from '../model/chartSeries.ts';
import { estimatorLabel } from '../model/config.ts';
import { formatNumber } from '../model/format.ts';
import { estimatorColor } from '../model/palette.ts';

export function ChartTooltip({
  row,
  estimators,
  lines,
  digits,
  colors,
}: {
  row: ChartRow;
  estimators: readonly EstimatorId[];
  lines: ChartLineStyle[];
  digits: number;
  colors?: Readonly<Partial<Record<EstimatorId, string>>>;
}) {
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip">
      <div>
        update <b>{row.update}</b>, epoch <b>{row.epoch.toFixed(3)}</b>
      </div>
      {estimators.map((e) => (
        <div key={e} style={{ color: colors?.[e] ?? estimatorColor(e) }}>
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
