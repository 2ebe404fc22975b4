// Accuracy, log gradient variance and per-layer variance charts, redrawn once a second
// from downsampled rows, with the paper's final values as markers when the setting matches.
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LOG_VARIANCE, TEST_ACCURACY, TRAIN_ACCURACY, buildChartRows, layerVarianceSeries } from '../model/chartSeries.ts';
import { banditEstimatorsOf, estimatorLabel } from '../model/config.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';
import { PAPER_EPOCHS, paperValuesFor } from '../model/paperReference.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useThrottledMetrics } from '../store/useThrottledPoints.ts';
import { ChartLegend } from './ChartLegend.tsx';
import { LatestValues } from './LatestValues.tsx';
import { MetricChart, type ChartLineStyle, type HorizontalMarker, type VerticalMarker } from './MetricChart.tsx';

const ACCURACY_LINES: ChartLineStyle[] = [
  { name: 'train', label: 'train (online)' },
  { name: 'test', label: 'test', dash: '6 4' },
];
const VARIANCE_LINES: ChartLineStyle[] = [{ name: 'logVar', label: 'log var' }];

function layerName(layer: number, layers: number): string {
  return layer === layers - 1 ? 'output layer' : `hidden layer ${layer + 1}`;
}

export function ChartsPanel() {
  const { engine, config } = usePlayground(useShallow((s) => ({ engine: s.engine, config: s.config })));
  const { points, failures } = useThrottledMetrics();
  const [layer, setLayer] = useState(0);
  const runs = useMemo(() => engine?.runs ?? [], [engine]);
  const layers = engine?.layers ?? 0;
  const estimators = useMemo(() => banditEstimatorsOf(runs), [runs]);
  const accuracyRows = useMemo(() => buildChartRows(points, runs, estimators, [TRAIN_ACCURACY, TEST_ACCURACY]), [points, runs, estimators]);
  const varianceRows = useMemo(() => buildChartRows(points, runs, estimators, [LOG_VARIANCE]), [points, runs, estimators]);
  const shownLayer = Math.min(layer, Math.max(0, layers - 1));
  const layerSeries = useMemo(() => layerVarianceSeries(shownLayer), [shownLayer]);
  const layerRows = useMemo(() => buildChartRows(points, runs, estimators, [layerSeries]), [points, runs, estimators, layerSeries]);
  const layerLines = useMemo<ChartLineStyle[]>(() => [{ name: layerSeries.name, label: 'log var' }], [layerSeries]);

  const paper = useMemo(() => paperValuesFor(config), [config]);
  const accuracyMarkers = useMemo<HorizontalMarker[]>(
    () => paper.map((v) => ({ y: v.accuracy, color: ESTIMATOR_COLORS[v.estimator], label: `paper ${estimatorLabel(v.estimator)}, ${PAPER_EPOCHS} ep: ${v.accuracy}` })),
    [paper],
  );
  const varianceMarkers = useMemo<HorizontalMarker[]>(
    () => paper.map((v) => ({ y: v.logVariance, color: ESTIMATOR_COLORS[v.estimator], label: `paper ${estimatorLabel(v.estimator)}: ${v.logVariance}` })),
    [paper],
  );
  const failureMarkers = useMemo<VerticalMarker[]>(
    () =>
      failures.map((f) => {
        const run = runs[f.run];
        return { x: f.epoch, label: `${run ? `${estimatorLabel(run.estimator)} seed ${run.seed}` : `run ${f.run}`} stopped: ${f.failure}` };
      }),
    [failures, runs],
  );

  return (
    <div className="panel charts" data-testid="charts">
      <ChartLegend estimators={estimators} seeds={config.seeds} paper={paper.length > 0} />
      <div className="chart-grid">
        <MetricChart
          id="accuracy"
          title="Accuracy (mean reward): online train (solid) and test (dashed)"
          rows={accuracyRows}
          estimators={estimators}
          lines={ACCURACY_LINES}
          yLabel="accuracy (fraction correct)"
          yDomain={[0, 1]}
          digits={3}
          horizontalMarkers={accuracyMarkers}
          verticalMarkers={failureMarkers}
        />
        <MetricChart
          id="variance"
          title="Gradient variance: natural log of the mean per-parameter variance over a batch"
          rows={varianceRows}
          estimators={estimators}
          lines={VARIANCE_LINES}
          yLabel="ln(mean gradient variance)"
          digits={2}
          horizontalMarkers={varianceMarkers}
          verticalMarkers={failureMarkers}
        />
      </div>
      <div className="layer-picker">
        Per-layer variance:{' '}
        {Array.from({ length: layers }, (_, l) => (
          <button key={l} type="button" className={l === shownLayer ? 'selected' : ''} data-testid={`layer-${l}`} onClick={() => setLayer(l)}>
            {layerName(l, layers)}
          </button>
        ))}
      </div>
      <MetricChart
        id="layer-variance"
        title={`Gradient variance of the ${layers > 0 ? layerName(shownLayer, layers) : 'layer'} (ln of the mean per-parameter variance)`}
        rows={layerRows}
        estimators={estimators}
        lines={layerLines}
        yLabel="ln(mean gradient variance)"
        digits={2}
        height={200}
      />
      <LatestValues points={points} runs={runs} estimators={estimators} />
    </div>
  );
}
