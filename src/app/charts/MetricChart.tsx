// One live line chart: per-estimator means with 95% bands over seeds against fractional epochs
// (the y range follows the means; bands are clipped to the plot).
// Plain SVG paths computed by model/chartGeometry.ts: a redraw costs a few milliseconds, so the
// charts never block the page while training (recharts 3 took 50–160 ms of synchronous React work per redraw even at load < 1, measured in Chromium).
import { memo, useMemo, useState, type MouseEvent } from 'react';
import type { EstimatorId } from '../../engine/types.ts';
import type { ChartLineStyle, HorizontalMarker, VerticalMarker } from '../model/chartMarks.ts';
import { bandKey, seriesKey, type ChartRow } from '../model/chartSeries.ts';
import { bandPath, linePath, linearScale, nearestIndex, niceTicks, paddedExtent } from '../model/chartGeometry.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';
import { ChartTooltip } from './ChartTooltip.tsx';
import { useElementWidth } from './useElementWidth.ts';

export interface MetricChartProps {
  id: string;
  title: string;
  rows: ChartRow[];
  estimators: EstimatorId[];
  lines: ChartLineStyle[];
  yLabel: string;
  /** fixed y range (accuracy: [0, 1]); else the data's extent */
  yDomain?: [number, number];
  digits: number;
  horizontalMarkers?: HorizontalMarker[];
  verticalMarkers?: VerticalMarker[];
  height?: number;
  /** draw the 95% bands (more than one seed) */
  bands: boolean;
}

const MARGIN = { top: 10, right: 16, bottom: 42, left: 62 };
const FONT = { fontFamily: 'system-ui, sans-serif', fontSize: 12 };
const NO_MARKERS: never[] = [];

function yExtent(props: Pick<MetricChartProps, 'yDomain' | 'horizontalMarkers' | 'rows' | 'estimators' | 'lines' | 'bands'>): [number, number] {
  if (props.yDomain) return props.yDomain;
  const values: number[] = props.horizontalMarkers?.map((m) => m.y) ?? [];
  for (const row of props.rows) {
    for (const e of props.estimators) {
      for (const l of props.lines) {
        const v = row[seriesKey(e, l.name)];
        if (typeof v === 'number') values.push(v);
      }
    }
  }
  return paddedExtent(values) ?? [0, 1];
}

/** Enough decimals to tell neighbouring ticks apart. */
function formatTick(v: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(v) || 1;
  return v.toFixed(Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))));
}

function MetricChartView(props: MetricChartProps) {
  const { id, title, rows, estimators, lines, yLabel, digits, height = 260, bands } = props;
  const fixedY = props.yDomain;
  const horizontalMarkers = props.horizontalMarkers ?? NO_MARKERS;
  const verticalMarkers = props.verticalMarkers ?? NO_MARKERS;
  const [ref, width] = useElementWidth<HTMLElement>();
  const [hover, setHover] = useState<number | null>(null);
  const innerW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const innerH = Math.max(10, height - MARGIN.top - MARGIN.bottom);

  const geometry = useMemo(() => {
    const xs = rows.map((r) => r.epoch);
    const xMax = Math.max(xs.length > 0 ? xs[xs.length - 1] : 0, ...verticalMarkers.map((m) => m.x), 1e-3);
    const yDomain = yExtent({ yDomain: fixedY, horizontalMarkers, rows, estimators, lines, bands });
    const x = linearScale([0, xMax], [MARGIN.left, MARGIN.left + innerW]);
    const y = linearScale(yDomain, [MARGIN.top + innerH, MARGIN.top]);
    const series = estimators.flatMap((e) =>
      lines.map((l) => ({
        key: `${e}-${l.name}`,
        color: ESTIMATOR_COLORS[e],
        dash: l.dash,
        line: linePath(xs, rows.map((r) => { const v = r[seriesKey(e, l.name)]; return typeof v === 'number' ? v : null; }), x, y),
        band: bands ? bandPath(xs, rows.map((r) => { const b = r[bandKey(e, l.name)]; return Array.isArray(b) ? b : null; }), x, y) : '',
      })),
    );
    return { xs, x, y, xTicks: niceTicks(0, xMax, 6), yTicks: niceTicks(yDomain[0], yDomain[1], 5), xMax, yDomain, series };
  }, [rows, estimators, lines, bands, innerW, innerH, horizontalMarkers, verticalMarkers, fixedY]);

  const { xs, x, y, xTicks, yTicks, xMax, yDomain, series } = geometry;
  const clampY = (v: number): boolean => v >= Math.min(...yDomain) && v <= Math.max(...yDomain);
  const onMove = (event: MouseEvent<SVGRectElement>): void => {
    const box = event.currentTarget.getBoundingClientRect();
    const epoch = ((event.clientX - box.left) / box.width) * xMax;
    const i = nearestIndex(xs, epoch);
    setHover(i >= 0 ? i : null);
  };
  const hoverRow = hover !== null ? rows[hover] : undefined;

  return (
    <figure ref={ref} className="chart" data-chart={id} data-testid={`chart-${id}`} data-rows={rows.length}>
      <figcaption>{title}</figcaption>
      <svg xmlns="http://www.w3.org/2000/svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} style={FONT}>
        <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={MARGIN.left} x2={MARGIN.left + innerW} y1={y(t)} y2={y(t)} stroke="#e3e3e3" />
            <text x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end" fill="#444">
              {formatTick(t, yTicks)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <g key={`x${t}`}>
            <line x1={x(t)} x2={x(t)} y1={MARGIN.top} y2={MARGIN.top + innerH} stroke="#eeeeee" />
            <text x={x(t)} y={MARGIN.top + innerH + 16} textAnchor="middle" fill="#444">
              {formatTick(t, xTicks)}
            </text>
          </g>
        ))}
        <rect x={MARGIN.left} y={MARGIN.top} width={innerW} height={innerH} fill="none" stroke="#888" />
        <text x={MARGIN.left + innerW / 2} y={height - 6} textAnchor="middle" fill="#222">
          epoch (passes over the training set, fractional)
        </text>
        <text transform={`translate(14 ${MARGIN.top + innerH / 2}) rotate(-90)`} textAnchor="middle" fill="#222">
          {yLabel}
        </text>
        <clipPath id={`plot-${id}`}>
          <rect x={MARGIN.left} y={MARGIN.top} width={innerW} height={innerH} />
        </clipPath>
        <g clipPath={`url(#plot-${id})`}>
          {series.map((s) => s.band && <path key={`${s.key}-band`} d={s.band} fill={s.color} fillOpacity={0.15} stroke="none" />)}
        {series.map((s) => (
          <path key={s.key} d={s.line} fill="none" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash} strokeLinejoin="round" />
        ))}
        </g>
        {horizontalMarkers.filter((m) => clampY(m.y)).map((m) => (
          <g key={m.label}>
            <line x1={MARGIN.left} x2={MARGIN.left + innerW} y1={y(m.y)} y2={y(m.y)} stroke={m.color} strokeDasharray="2 4" strokeWidth={2} />
            <text x={MARGIN.left + innerW - 4} y={y(m.y) - 4} textAnchor="end" fill={m.color} fontSize={11}>
              {m.label}
            </text>
          </g>
        ))}
        {verticalMarkers.map((m) => (
          <g key={m.label} data-testid="failure-marker">
            <line x1={x(m.x)} x2={x(m.x)} y1={MARGIN.top} y2={MARGIN.top + innerH} stroke="#c00" strokeWidth={2} />
            <text x={x(m.x) + 4} y={MARGIN.top + 12} fill="#c00" fontSize={11}>
              {m.label}
            </text>
          </g>
        ))}
        {hoverRow && <line x1={x(hoverRow.epoch)} x2={x(hoverRow.epoch)} y1={MARGIN.top} y2={MARGIN.top + innerH} stroke="#333" strokeDasharray="3 3" />}
        <rect x={MARGIN.left} y={MARGIN.top} width={innerW} height={innerH} fill="transparent" onMouseMove={onMove} onMouseLeave={() => setHover(null)} />
      </svg>
      {hoverRow && (
        <div className="chart-tooltip-anchor" style={{ left: Math.min(x(hoverRow.epoch) + 12, Math.max(0, width - 260)), top: MARGIN.top + 20 }}>
          <ChartTooltip row={hoverRow} estimators={estimators} lines={lines} digits={digits} />
        </div>
      )}
    </figure>
  );
}

export const MetricChart = memo(MetricChartView);
