// The three training charts, each reading the metrics on its own timer phase.
import { useMemo, useState } from 'react';
import { failureMarkers, type ChartContext, type ChartLineStyle, type HorizontalMarker } from '../model/chartMarks.ts';
import { LOG_VARIANCE, TEST_ACCURACY, TRAIN_ACCURACY, buildChartRows, layerVarianceSeries } from '../model/chartSeries.ts';
import { estimatorLabel } from '../model/config.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';
import { PAPER_EPOCHS, type PaperValue } from '../model/paperReference.ts';
import { useThrottledMetrics } from '../store/useThrottledPoints.ts';
import { MetricChart } from './MetricChart.tsx';

const MAX_ROWS = 150;
const ACCURACY_LINES: ChartLineStyle[] = [
  { name: 'train', label: 'train (online)' },
  { name: 'test', label: 'test', dash: '6 4' },
];
const VARIANCE_LINES: ChartLineStyle[] = [{ name: 'logVar', label: 'log var' }];

export function AccuracyChart({ context, paper }: { context: ChartContext; paper: PaperValue[] }) {
  const { points, failures } = useThrottledMetrics(0);
  const { runs, estimators, bands } = context;
  const rows = useMemo(() => buildChartRows(points, runs, estimators, [TRAIN_ACCURACY, TEST_ACCURACY], MAX_ROWS), [points, runs, estimators]);
  const markers = useMemo<HorizontalMarker[]>(
    () => paper.map((v) => ({ y: v.accuracy, color: ESTIMATOR_COLORS[v.estimator], label: `paper ${estimatorLabel(v.estimator)}, ${PAPER_EPOCHS} ep: ${v.accuracy}` })),
    [paper],
  );
  const stops = useMemo(() => failureMarkers(failures, runs), [failures, runs]);
  return (
    <MetricChart
      id="accuracy"
      title="Accuracy (mean reward): online train (solid) and test (dashed)"
      rows={rows}
      estimators={estimators}
      lines={ACCURACY_LINES}
      yLabel="accuracy (fraction correct)"
      yDomain={[0, 1]}
      digits={3}
      horizontalMarkers={markers}
      verticalMarkers={stops}
      bands={bands}
    />
  );
}

export function VarianceChart({ context, paper }: { context: ChartContext; paper: PaperValue[] }) {
  const { points, failures } = useThrottledMetrics(1 / 3);
  const { runs, estimators, bands } = context;
  const rows = useMemo(() => buildChartRows(points, runs, estimators, [LOG_VARIANCE], MAX_ROWS), [points, runs, estimators]);
  const markers = useMemo<HorizontalMarker[]>(
    () => paper.map((v) => ({ y: v.logVariance, color: ESTIMATOR_COLORS[v.estimator], label: `paper ${estimatorLabel(v.estimator)}: ${v.logVariance}` })),
    [paper],
  );
  const stops = useMemo(() => failureMarkers(failures, runs), [failures, runs]);
  return (
    <MetricChart
      id="variance"
      title="Gradient variance: natural log of the mean per-parameter variance over a batch"
      rows={rows}
      estimators={estimators}
      lines={VARIANCE_LINES}
      yLabel="ln(mean gradient variance)"
      digits={2}
      horizontalMarkers={markers}
      verticalMarkers={stops}
      bands={bands}
    />
  );
}

function layerName(layer: number, layers: number): string {
  return layer === layers - 1 ? 'output layer' : `hidden layer ${layer + 1}`;
}

export function LayerVarianceChart({ context }: { context: ChartContext }) {
  const { points } = useThrottledMetrics(2 / 3);
  const { runs, estimators, layers, bands } = context;
  const [layer, setLayer] = useState(0);
  const shown = Math.min(layer, Math.max(0, layers - 1));
  const series = useMemo(() => layerVarianceSeries(shown), [shown]);
  const lines = useMemo<ChartLineStyle[]>(() => [{ name: series.name, label: 'log var' }], [series]);
  const rows = useMemo(() => buildChartRows(points, runs, estimators, [series], MAX_ROWS), [points, runs, estimators, series]);
  return (
    <>
      <div className="layer-picker">
        Per-layer variance:{' '}
        {Array.from({ length: layers }, (_, l) => (
          <button key={l} type="button" className={l === shown ? 'selected' : ''} data-testid={`layer-${l}`} onClick={() => setLayer(l)}>
            {layerName(l, layers)}
          </button>
        ))}
      </div>
      <MetricChart
        id="layer-variance"
        title={`Gradient variance of the ${layers > 0 ? layerName(shown, layers) : 'layer'} (ln of the mean per-parameter variance)`}
        rows={rows}
        estimators={estimators}
        lines={lines}
        yLabel="ln(mean gradient variance)"
        digits={2}
        height={200}
        bands={bands}
      />
    </>
  );
}
