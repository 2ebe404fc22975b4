// One live line chart drawn by recharts: per-estimator means with 95% bands over seeds against
// fractional epochs, horizontal markers (the paper's values) and vertical ones (stopped runs).
// Kept cheap by the library's own means (recharts performance guide): animation off, rows
// memoised and downsampled to about the plot's width (model/chartSeries.ts), stable string
// dataKeys, series elements memoised apart from the hover state, one stable tooltip renderer,
// axis, grid, marker and tooltip elements kept across redraws (see `drawn` below), every tick
// shown (interval 0: at most six round ticks, so recharts need not measure tick text to thin them);
// the callers redraw at most about once a second (store/useThrottledPoints.ts).
// Ticks are round (1–2–5 steps, model/ticks.ts) on both axes; the x axis ends where the
// caller's shared `xMax` says, so side-by-side charts share it; reference lines are drawn
// unlabelled and their labels listed in a key under the plot, never under a curve.
import { memo, useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import { Area, CartesianGrid, ComposedChart, Label, Line, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps, type TooltipValueType } from 'recharts';
import { MarkerKey, type MarkerKeyItem } from './MarkerKey.tsx';
import './charts.css';
import type { EstimatorId } from '../../engine/types.ts';
import { paddedExtent, type ChartLineStyle, type HorizontalMarker, type VerticalMarker } from '../model/chartMarks.ts';
import { niceAxisFromZero, niceTicks } from '../model/ticks.ts';
import { bandKey, seriesKey, type ChartRow } from '../model/chartSeries.ts';
import { estimatorColor } from '../model/palette.ts';
import { ChartTooltip } from './ChartTooltip.tsx';
import { withMathLinks } from '../components/MathLink.tsx';
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
  /** the line over the empty plot before the first point (what will appear); default EMPTY_TEXT */
  emptyText?: string;
  /**
   * the x axis covers at least [0, xMax] (rounded up to a round tick): side-by-side charts pass
   * the same value (the latest point's epoch) so that they share their x domain
   */
  xMax?: number;
}

/** What an empty chart (no metric point yet) says over its plot. */
export const EMPTY_TEXT = 'No data yet: each estimator’s line starts at its first metric point after Play';

// right: room for half of the last x tick (e.g. "0.0175", centred on the plot's right edge: it was clipped at 18)
const MARGIN = { top: 12, right: 26, bottom: 22, left: 8 };
const Y_AXIS_WIDTH = 74;

/** The plot area's width in pixels for a figure `width` pixels wide (the axis and margins taken off). */
export function plotWidth(width: number): number {
  return Math.max(20, Math.floor(width - MARGIN.left - MARGIN.right - Y_AXIS_WIDTH));
}

/**
 * Plot pixels per drawn row. A recharts redraw costs about in proportion to rows × series (its
 * selectors, the curve and band paths, the DOM attributes), and a row every two pixels draws
 * the same lines as one every pixel to the eye (the min/max buckets keep every spike): with four
 * estimators × 3 seeds this halves the redraw (bench/RESULTS-charts.md).
 */
export const PIXELS_PER_ROW = 2;

/**
 * About how many rows a chart `width` pixels wide draws in all (the `maxRows` of buildChartRows,
 * shared between `kinds`: 2 when a chart has dense and sparse series, e.g. train and test accuracy).
 */
export function rowBudget(width: number, kinds = 1): number {
  return Math.max(10, Math.floor(plotWidth(width) / PIXELS_PER_ROW / Math.max(1, kinds)));
}

const FONT = { fontFamily: 'system-ui, sans-serif', fontSize: 12 };
const NO_MARKERS: never[] = [];
const GRID = <CartesianGrid stroke="#e6e6e6" />;
const TOOLTIP_CURSOR = { stroke: '#333', strokeDasharray: '3 3' };
const Y_LABEL_STYLE = { textAnchor: 'middle' } as const;
/**
 * What an empty chart draws: two rows without values at epochs 0 and 1. With no rows recharts
 * has no x extent: it drew no x ticks and none of the paper's markers (horizontal lines across
 * that extent). Update −1: no tooltip (it shows the real row of an update).
 */
const EMPTY_ROWS: ChartRow[] = [
  { update: -1, epoch: 0 },
  { update: -1, epoch: 1 },
];
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
  /** recharts' dot prop: a small filled circle at each value, or none */
  dot: false | { r: number; fill: string; stroke: string; strokeWidth: number; strokeDasharray: string };
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
        lines.map((l) => {
          const color = colors?.[e] ?? estimatorColor(e);
          return { key: seriesKey(e, l.name), band: bandKey(e, l.name), color, dash: l.dash, dot: l.dots === true ? { r: 2.5, fill: color, stroke: color, strokeWidth: 1, strokeDasharray: '' } : false };
        }),
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
    // round ticks over the data, bands and markers (a fixed range keeps its ends)
    const extent = fixedY ?? paddedExtent(values) ?? [-1, 0];
    if (rows.length === 0 || !negativeInfinity) {
      return { data: rows.length === 0 ? EMPTY_ROWS : rows, floor: null, y: fixedY ? { ...niceTicks(fixedY[0], fixedY[1]), domain: fixedY } : niceTicks(extent[0], extent[1]) };
    }
    // −∞ is drawn on the axis's lowest round tick, one tick below the finite values
    const finite = niceTicks(extent[0], extent[1]);
    const y = fixedY ? { ...niceTicks(fixedY[0], fixedY[1]), domain: fixedY } : niceTicks(finite.domain[0] - finite.step, extent[1]);
    const floor = y.domain[0];
    const data = rows.map((row) => {
      const copy: ChartRow = { ...row };
      for (const s of series) if (copy[s.key] === Number.NEGATIVE_INFINITY) copy[s.key] = floor;
      return copy;
    });
    return { data, floor, y };
  }, [rows, series, horizontalMarkers, fixedY, bands]);

  // the tooltip reads the original row (with −∞ as −∞), found by update number. The renderer
  // stays the same function across redraws (it reads the latest rows through a ref set after
  // each commit), so the Tooltip element below is not rebuilt by new data
  const byUpdate = useMemo(() => new Map(rows.map((r) => [r.update, r])), [rows]);
  const latestRows = useRef(byUpdate);
  useLayoutEffect(() => {
    latestRows.current = byUpdate;
  }, [byUpdate]);
  const renderTooltip = useCallback(
    (content: TooltipContentProps<TooltipValueType, string | number>) => {
      const shown = content.payload?.[0]?.payload as ChartRow | undefined;
      const row = shown ? latestRows.current.get(shown.update) : undefined;
      return content.active && row ? <ChartTooltip row={row} estimators={estimators} lines={lines} digits={digits} colors={colors} /> : null;
    },
    [estimators, lines, digits, colors],
  );

  // Every part of the chart but the data is an element kept across redraws (memoised on its own
  // inputs): recharts' axis, grid, reference-line and tooltip components re-register their
  // settings in the chart's store whenever they render with a new props object (XAxis and YAxis
  // dispatch a replace on every render), and each such dispatch recomputes every selector of
  // the chart; with the elements kept, a redraw with new rows dispatches only the new data.
  const drawn = useMemo(
    () => [
      ...(bands
        ? series.map((s) => (
            <Area key={s.band} dataKey={s.band} type="linear" stroke="none" fill={s.color} fillOpacity={0.15} isAnimationActive={false} activeDot={false} dot={false} connectNulls legendType="none" tooltipType="none" />
          ))
        : []),
      ...series.map((s) => (
        <Line key={s.key} dataKey={s.key} type="linear" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash} dot={s.dot} activeDot={false} isAnimationActive={false} connectNulls strokeLinejoin="round" />
      )),
    ],
    [series, bands],
  );
  const xLabel = props.xLabel ?? DEFAULT_X_LABEL;
  const empty = rows.length === 0;
  // x: from 0 to the shared end (or this chart's last row), rounded up to a round tick
  let lastEpoch = rows.length > 0 ? rows[rows.length - 1].epoch : 0;
  for (const m of verticalMarkers) lastEpoch = Math.max(lastEpoch, m.x);
  const xNice = niceAxisFromZero(Math.max(props.xMax ?? 0, lastEpoch));
  const xTicksKey = xNice.ticks.join(',');
  const xAxis = useMemo(
    () => {
      const ticks = xTicksKey.split(',').map(Number);
      return (
        <XAxis dataKey="epoch" type="number" domain={[ticks[0], ticks[ticks.length - 1]]} ticks={ticks} allowDataOverflow interval={0} tickFormatter={formatTick} stroke="#666">
          <Label value={xLabel} position="insideBottom" offset={-14} fill="#222" />
        </XAxis>
      );
    },
    [xLabel, xTicksKey],
  );
  const fixed = fixedY !== undefined;
  const yTicksKey = `${plot.y.domain.join(',')}|${plot.y.ticks.join(',')}`;
  const yAxis = useMemo(
    () => {
      const [domain, ticks] = yTicksKey.split('|').map((part) => part.split(',').map(Number));
      return (
        <YAxis type="number" domain={[domain[0], domain[1]]} ticks={ticks} allowDataOverflow interval={0} tickFormatter={formatTick} width={Y_AXIS_WIDTH} stroke="#666">
          <Label value={yLabel} angle={-90} position="insideLeft" offset={0} dx={-2} fill="#222" style={Y_LABEL_STYLE} />
        </YAxis>
      );
    },
    [yTicksKey, yLabel],
  );
  const horizontalLines = useMemo(
    () =>
      horizontalMarkers.map((m) => (
        <ReferenceLine
          key={m.label}
          y={m.y}
          stroke={m.color}
          strokeDasharray={m.dash ?? '2 4'}
          strokeWidth={2}
          ifOverflow={fixed ? 'discard' : 'visible'}
          className="reference-marker"
        />
      )),
    [horizontalMarkers, fixed],
  );
  const floorLabel = props.negativeInfinityLabel ?? NEGATIVE_INFINITY_LABEL;
  const floorLine = useMemo(() => plot.floor !== null && <ReferenceLine y={plot.floor} stroke="#555" strokeDasharray="1 3" />, [plot.floor]);
  const verticalLines = useMemo(
    () => verticalMarkers.map((m) => <ReferenceLine key={m.label} x={m.x} stroke="#c00" strokeWidth={2} ifOverflow="visible" className="failure-marker" />),
    [verticalMarkers],
  );
  // every reference line's label, in the key under the plot (in its colour and dash)
  const keyItems = useMemo<MarkerKeyItem[]>(
    () => [
      ...horizontalMarkers.filter((m) => m.labelOnLine !== false).map((m) => ({ label: m.label, color: m.color, dash: m.dash ?? '2 4' })),
      ...(plot.floor !== null ? [{ label: floorLabel, color: '#555', dash: '1 3' }] : []),
      ...verticalMarkers.map((m) => ({ label: m.label, color: '#c00', dash: '', vertical: true })),
    ],
    [horizontalMarkers, verticalMarkers, plot.floor, floorLabel],
  );
  const tooltip = useMemo(() => <Tooltip content={renderTooltip} isAnimationActive={false} cursor={TOOLTIP_CURSOR} />, [renderTooltip]);

  return (
    <figure ref={ref} className="chart" data-chart={id} data-testid={`chart-${id}`} data-rows={rows.length} data-negative-infinity={plot.floor !== null ? 'yes' : 'no'} data-x-domain={`${xNice.domain[0]},${xNice.domain[1]}`}>
      <figcaption>{title}</figcaption>
      <div className="chart-plot">
        {empty && (
          <p className="chart-empty" data-testid={`chart-empty-${id}`} style={{ top: MARGIN.top + (height - MARGIN.top - MARGIN.bottom) / 2, left: MARGIN.left + Y_AXIS_WIDTH, right: MARGIN.right }}>
            <span>{props.emptyText ?? EMPTY_TEXT}</span>
          </p>
        )}
        <ComposedChart width={width} height={height} data={plot.data} margin={MARGIN} style={FONT} accessibilityLayer title={title}>
          {GRID}
          {xAxis}
          {yAxis}
          {drawn}
          {horizontalLines}
          {floorLine}
          {verticalLines}
          {tooltip}
        </ComposedChart>
      </div>
      {keyItems.length > 0 && <MarkerKey items={keyItems} testId={`chart-key-${id}`} />}
      {props.note && <p className="chart-note" data-testid={`chart-note-${id}`}>{withMathLinks(props.note)}</p>}
    </figure>
  );
}

export const MetricChart = memo(MetricChartView);
