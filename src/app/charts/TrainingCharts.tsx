// The three training charts, each reading the metrics on its own timer phase and sizing its rows
// to its plot's width in pixels.
import { useMemo, useState } from 'react';
import { failureMarkers, type ChartContext, type ChartLineStyle, type HorizontalMarker } from '../model/chartMarks.ts';
import { LOG_VARIANCE, TEST_ACCURACY, TRAIN_ACCURACY, buildChartRows, layerVarianceSeries, type MetricSeries } from '../model/chartSeries.ts';
import { estimatorLabel } from '../model/config.ts';
import { formatNumber } from '../model/format.ts';
import { estimatorColor } from '../model/palette.ts';
import { PAPER_EPOCHS, PAPER_VARIANCE_NOTE, paperVarianceMarkers, type PaperValue } from '../model/paperReference.ts';
import { smoothMetricPoints } from '../model/smoothing.ts';
import { useThrottledMetrics } from '../store/useThrottledPoints.ts';
import { MetricChart, rowBudget } from './MetricChart.tsx';
import { useRedrawTiming } from './redrawTiming.ts';
import { useElementWidth } from './useElementWidth.ts';

const ACCURACY_LINES: ChartLineStyle[] = [
  { name: 'train', label: 'train (online)' },
  { name: 'test', label: 'test', dash: '6 4', dots: true },
];
const ACCURACY_SERIES = [TRAIN_ACCURACY, TEST_ACCURACY];
const VARIANCE_LINES: ChartLineStyle[] = [{ name: 'logVar', label: 'log var' }];
const VARIANCE_SERIES = [LOG_VARIANCE];

/** The throttled metrics (smoothed as the context says) as chart rows sized to the measured plot width, and the width (the VAE's charts use it too). */
export function useChartRows(id: string, phase: number, context: ChartContext, series: readonly MetricSeries[]) {
  const { points, failures } = useThrottledMetrics(phase);
  useRedrawTiming(id, points);
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const { runs, estimators, smoothing } = context;
  const kinds = (series.some((s) => s.sparse === true) ? 1 : 0) + (series.some((s) => s.sparse !== true) ? 1 : 0);
  const maxRows = rowBudget(width, kinds);
  const rows = useMemo(() => buildChartRows(smoothMetricPoints(points, smoothing), runs, estimators, series, maxRows), [points, smoothing, runs, estimators, series, maxRows]);
  const stops = useMemo(() => failureMarkers(failures, runs), [failures, runs]);
  return { ref, width, rows, stops };
}

/** Under a variance chart whose metric is measured on a subsample of the updates (the conv task): which. */
export function varianceEveryNote(context: ChartContext): string | undefined {
  return context.varianceEvery > 1 ? `Variance measured every ${context.varianceEvery}th update (updates 1, ${context.varianceEvery + 1}, ${2 * context.varianceEvery + 1}, …; the others skip the per-example gradients it needs, to train faster); the command line measures every update.` : undefined;
}

export function AccuracyChart({ context, paper }: { context: ChartContext; paper: PaperValue[] }) {
  const { ref, width, rows, stops } = useChartRows('accuracy', 0, context, ACCURACY_SERIES);
  // the paper's values as dotted lines in the estimators' colours, labelled in the chart's key
  const markers = useMemo<HorizontalMarker[]>(
    () => paper.map((v) => ({ y: v.accuracy, color: estimatorColor(v.estimator), label: `paper ${estimatorLabel(v.estimator)}, ${PAPER_EPOCHS} ep: ${v.accuracy}` })),
    [paper],
  );
  return (
    <div ref={ref} className="chart-slot">
      <MetricChart
        id="accuracy"
        title="Accuracy (mean reward): online train (solid) and test (dashed)"
        rows={rows}
        estimators={context.estimators}
        lines={ACCURACY_LINES}
        yLabel="accuracy (fraction correct)"
        yDomain={[0, 1]}
        digits={3}
        horizontalMarkers={markers}
        verticalMarkers={stops}
        bands={context.bands}
        width={width}
        emptyText={context.emptyText}
        xMax={context.xMax}
      />
    </div>
  );
}

export function VarianceChart({ context, paper }: { context: ChartContext; paper: PaperValue[] }) {
  const { ref, width, rows, stops } = useChartRows('variance', 1 / 3, context, VARIANCE_SERIES);
  // each paper value twice: as printed (dotted) and on our metric's scale, printed + ln 6 (dashed)
  const markers = useMemo<HorizontalMarker[]>(
    () =>
      paper.flatMap((v) => {
        const { printed, ourScale } = paperVarianceMarkers(v);
        const name = estimatorLabel(v.estimator);
        const color = estimatorColor(v.estimator);
        return [
          { y: printed, color, label: `paper ${name}: ${formatNumber(printed, 2)} (printed)`, dash: '2 4' },
          { y: ourScale, color, label: `paper ${name}: ${formatNumber(ourScale, 2)} (+ ln 6, our scale)`, dash: '8 4' },
        ];
      }),
    [paper],
  );
  return (
    <div ref={ref} className="chart-slot">
      <MetricChart
        id="variance"
        title="Gradient variance: natural log of the mean per-parameter variance over a batch"
        rows={rows}
        estimators={context.estimators}
        lines={VARIANCE_LINES}
        yLabel="ln(mean gradient variance)"
        digits={2}
        horizontalMarkers={markers}
        verticalMarkers={stops}
        bands={context.bands}
        width={width}
        note={[context.varianceNote, paper.length > 0 ? PAPER_VARIANCE_NOTE : null, varianceEveryNote(context)].filter((n): n is string => typeof n === 'string' && n !== '').join(' ') || undefined}
        emptyText={context.emptyText}
        xMax={context.xMax}
      />
    </div>
  );
}

/** `names`: one per layer of context.layers (banditLayerNames). */
export function LayerVarianceChart({ context, names }: { context: ChartContext; names: readonly string[] }) {
  const layerName = (l: number): string => names[l] ?? `layer ${l + 1}`;
  const { layers } = context;
  const [layer, setLayer] = useState(0);
  const shown = Math.min(layer, Math.max(0, layers - 1));
  const series = useMemo(() => [layerVarianceSeries(shown)], [shown]);
  const lines = useMemo<ChartLineStyle[]>(() => [{ name: series[0].name, label: 'log var' }], [series]);
  const { ref, width, rows, stops } = useChartRows('layer-variance', 2 / 3, context, series);
  return (
    <>
      <div className="layer-picker">
        Per-layer variance:{' '}
        {Array.from({ length: layers }, (_, l) => (
          <button key={l} type="button" className={l === shown ? 'selected' : ''} data-testid={`layer-${l}`} onClick={() => setLayer(l)}>
            {layerName(l)}
          </button>
        ))}
      </div>
      <div ref={ref} className="chart-slot">
        <MetricChart
          id="layer-variance"
          title={`Gradient variance of the ${layers > 0 ? layerName(shown) : 'layer'} (ln of the mean per-parameter variance)`}
          rows={rows}
          estimators={context.estimators}
          lines={lines}
          yLabel="ln(mean gradient variance)"
          digits={2}
          height={240}
          verticalMarkers={stops}
          bands={context.bands}
          width={width}
          emptyText={context.emptyText}
          xMax={context.xMax}
          note={[context.varianceNote, varianceEveryNote(context)].filter((n): n is string => typeof n === 'string' && n !== '').join(' ') || undefined}
        />
      </div>
    </>
  );
}
