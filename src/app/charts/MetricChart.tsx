// One live line chart drawn by recharts: per-estimator means with 95% bands over seeds against
// fractional epochs, horizontal markers (the paper's values) and vertical ones (stopped runs).
// Kept cheap by the library's own means (recharts performance guide): animation off, rows
// memoised and downsampled to about the plot's width (model/chartSeries.ts), stable string
// dataKeys, series elements memoised apart from the hover state, one stable tooltip renderer;
// the callers redraw at most about once a second (store/useThrottledPoints.ts).
import { memo, useCallback, useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Label, Line, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps, type TooltipValueType } from 'recharts';
import type { EstimatorId } from '../../engine/types.ts';
import { paddedExtent, type ChartLineStyle, type HorizontalMarker, type VerticalMarker } from '../model/chartMarks.ts';
import { bandKey, seriesKey, type ChartRow } from '../model/chartSeries.ts';
import { estimatorColor } from '../model/palette.ts';
import { ChartTooltip } from './ChartTooltip.tsx';
import { useElementWidth } from './useElementWidth.ts';

export interface MetricChartProps {
  id: string;
  title: string;
  /** one row per drawn x position (buildChartRows), already downsampled */
  rows: ChartRow[];
  /** the estimators drawn, each in its colour (estimatorColor, or `colors`) */
  estimators: readonly EstimatorId[];
  /** the metrics drawn for every estimator (e.g. train solid, test dashed) */
  lines: ChartLineStyle[];
  /** y axis label with its unit */
  yLabel: string;
  /** fixed y range (accuracy: [0, 1]); else the data's and markers' extent, padded */
  yDomain?: [number, number];
  /** decimals in the tooltip */
  digits: number;
  horizontalMarkers?: HorizontalMarker[];
  verticalMarkers?: VerticalMarker[];
  height?: number;
  /** draw the 95% bands (more than one seed) */
  bands: boolean;
  /** x axis label with its unit; default: fractional epochs */
  xLabel?: string;
  /** colour per estimator, overriding the playground's palette */
  colors?: Readonly<Partial<Record<EstimatorId, string>>>;
  /** the figure's width in pixels (a caller that measured it to size its rows); else measured here */
  width?: number;
  /** one line under the chart (e.g. why the paper's markers are where they are) */
  note?: string;
  /** what −∞ means on this chart (drawn at the bottom edge, labelled so); default: a gradient variance of exactly 0 */
  negativeInfinityLabel?: string;
}

const MARGIN = { top: 12, right: 18, bottom: 22, left: 8 };
const Y_AXIS_WIDTH = 74;

/**
 * The plot area's width in pixels for a figure `width` pixels wide: about how many rows are worth
 * drawing (more than one per pixel column draws nothing new), the `maxRows` of buildChartRows.
 */
export function plotWidth(width: number): number {
  return Math.max(20, Math.floor(width - MARGIN.left - MARGIN.right - Y_AXIS_WIDTH));
}
const FONT = { fontFamily: 'system-ui, sans-serif', fontSize: 12 };
const NO_MARKERS: never[] = [];
/** round ranges chosen by recharts: x from 0, y covering the data, bands and markers */
const X_DOMAIN: [number, 'auto'] = [0, 'auto'];
const AUTO_DOMAIN: ['auto', 'auto'] = ['auto', 'auto'];
const DEFAULT_X_LABEL = 'epoch (passes over the training set, fractional)';
const NEGATIVE_INFINITY_LABEL = '−∞: gradient variance exactly 0';

/** Tick text with enough precision to tell neighbouring ticks apart, without float noise. */
function formatTick(v: number): string {
  return String(Number(v.toPrecision(6)));
}

interface Series {
  key: string;
  band: string;
  color: string;
  dash: string | undefined;
}

function MetricChartView(props: MetricChartProps) {
  const { id, title, rows, estimators, lines, yLabel, digits, height = 260, bands, colors } = props;
  const fixedY = props.yDomain;
  const horizontalMarkers = props.horizontalMarkers ?? NO_MARKERS;
  const verticalMarkers = props.verticalMarkers ?? NO_MARKERS;
  const [ref, measured] = useElementWidth<HTMLElement>();
  const width = props.width ?? measured;

  const series = useMemo<Series[]>(
    () =>
      estimators.flatMap((e) =>
        lines.map((l) => ({ key: seriesKey(e, l.name), band: bandKey(e, l.name), color: colors?.[e] ?? estimatorColor(e), dash: l.dash })),
      ),
    [estimators, lines, colors],
  );

  // −∞ (ln of a variance of exactly 0) is drawn at a floor a little below the finite values,
  // bands and markers; recharts then chooses a round y range (and ticks) that covers them all
  const plot = useMemo(() => {
    const values: number[] = horizontalMarkers.map((m) => m.y);
    let negativeInfinity = false;
    for (const row of rows) {
      for (const s of series) {
        const v = row[s.key];
        if (typeof v === 'number') {
          if (v === Number.NEGATIVE_INFINITY) negativeInfinity = true;
          else values.push(v);
        }
        const b = row[s.band];
        if (bands && Array.isArray(b)) values.push(b[0], b[1]);
      }
    }
    if (!negativeInfinity) return { data: rows, floor: null };
    const extent = fixedY ?? paddedExtent(values) ?? [-1, 0];
    const floor = fixedY ? fixedY[0] : extent[0] - 0.1 * (extent[1] - extent[0]);
    const data = rows.map((row) => {
      const copy: ChartRow = { ...row };
      for (const s of series) if (copy[s.key] === Number.NEGATIVE_INFINITY) copy[s.key] = floor;
      return copy;
    });
    return { data, floor };
  }, [rows, series, horizontalMarkers, fixedY, bands]);

  // the tooltip reads the original row (with −∞ as −∞), found by update number
  const byUpdate = useMemo(() => new Map(rows.map((r) => [r.update, r])), [rows]);
  const renderTooltip = useCallback(
    (content: TooltipContentProps<TooltipValueType, string | number>) => {
      const shown = content.payload?.[0]?.payload as ChartRow | undefined;
      const row = shown ? byUpdate.get(shown.update) : undefined;
      return content.active && row ? <ChartTooltip row={row} estimators={estimators} lines={lines} digits={digits} colors={colors} /> : null;
    },
    [byUpdate, estimators, lines, digits, colors],
  );

  const drawn = useMemo(
    () => [
      ...(bands
        ? series.map((s) => (
            <Area key={s.band} dataKey={s.band} type="linear" stroke="none" fill={s.color} fillOpacity={0.15} isAnimationActive={false} activeDot={false} dot={false} connectNulls legendType="none" tooltipType="none" />
          ))
        : []),
      ...series.map((s) => (
        <Line key={s.key} dataKey={s.key} type="linear" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash} dot={false} activeDot={false} isAnimationActive={false} connectNulls strokeLinejoin="round" />
      )),
    ],
    [series, bands],
  );

  return (
    <figure ref={ref} className="chart" data-chart={id} data-testid={`chart-${id}`} data-rows={rows.length} data-negative-infinity={plot.floor !== null ? 'yes' : 'no'}>
      <figcaption>{title}</figcaption>
      <ComposedChart width={width} height={height} data={plot.data} margin={MARGIN} style={FONT} accessibilityLayer={false} title={title}>
        <CartesianGrid stroke="#e6e6e6" />
        <XAxis dataKey="epoch" type="number" domain={X_DOMAIN} tickCount={6} tickFormatter={formatTick} stroke="#666">
          <Label value={props.xLabel ?? DEFAULT_X_LABEL} position="insideBottom" offset={-14} fill="#222" />
        </XAxis>
        <YAxis type="number" domain={fixedY ?? AUTO_DOMAIN} allowDataOverflow={fixedY !== undefined} tickCount={6} tickFormatter={formatTick} width={Y_AXIS_WIDTH} stroke="#666">
          <Label value={yLabel} angle={-90} position="insideLeft" offset={0} dx={-2} fill="#222" style={{ textAnchor: 'middle' }} />
        </YAxis>
        {drawn}
        {horizontalMarkers.map((m) => (
          <ReferenceLine
            key={m.label}
            y={m.y}
            stroke={m.color}
            strokeDasharray={m.dash ?? '2 4'}
            strokeWidth={2}
            ifOverflow={fixedY ? 'discard' : 'extendDomain'}
            label={{ value: m.label, position: 'insideTopRight', fill: m.color, fontSize: 11 }}
          />
        ))}
        {plot.floor !== null && (
          <ReferenceLine y={plot.floor} stroke="#555" strokeDasharray="1 3" label={{ value: props.negativeInfinityLabel ?? NEGATIVE_INFINITY_LABEL, position: 'insideBottomLeft', fill: '#333', fontSize: 11 }} />
        )}
        {verticalMarkers.map((m) => (
          <ReferenceLine key={m.label} x={m.x} stroke="#c00" strokeWidth={2} ifOverflow="extendDomain" className="failure-marker" label={{ value: m.label, position: 'insideTopLeft', fill: '#c00', fontSize: 11 }} />
        ))}
        <Tooltip content={renderTooltip} isAnimationActive={false} cursor={{ stroke: '#333', strokeDasharray: '3 3' }} />
      </ComposedChart>
      {props.note && <p className="chart-note" data-testid={`chart-note-${id}`}>{props.note}</p>}
    </figure>
  );
}

export const MetricChart = memo(MetricChartView);
