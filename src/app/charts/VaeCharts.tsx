// The Discrete VAE's live charts (docs/math.md §3, §4): train ELBO with the K-sample test bound,
// the log encoder-gradient variance overall and per encoder layer (mean and 95% band over
// seeds), the test bound's progress while it is computed, and the paper's Figure 3 facts as
// text (its printed values cannot be matched to estimators, so no markers).
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FIG3_REFERENCE } from '../../reference/paperNumbers.ts';
import type { RunSpec } from '../../engine/types.ts';
import { emptyChartText, varianceNoteFor, type ChartContext, type ChartLineStyle } from '../model/chartMarks.ts';
import { LOG_VARIANCE, TEST_BOUND, TRAIN_ELBO, layerVarianceSeries } from '../model/chartSeries.ts';
import { estimatorsOfRuns } from '../model/config.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useThrottledMetrics } from '../store/useThrottledPoints.ts';
import { ChartLegend } from './ChartLegend.tsx';
import { KeyComparisonLine, PaceNotice, SmoothingSelect, useSharedChartOptions } from './ChartOptions.tsx';
import { LatestValues } from './LatestValues.tsx';
import { MetricChart } from './MetricChart.tsx';
import { useChartRows } from './TrainingCharts.tsx';

const NO_RUNS: readonly RunSpec[] = [];
const VARIANCE_LINES: ChartLineStyle[] = [{ name: 'logVar', label: 'ln var' }];
const ELBO_SERIES = [TRAIN_ELBO, TEST_BOUND];
const VARIANCE_SERIES = [LOG_VARIANCE];

function ElboChart({ context, k, note }: { context: ChartContext; k: number; note: string | undefined }) {
  const { ref, width, rows, stops } = useChartRows('elbo', 0, context, ELBO_SERIES);
  const { estimators, bands } = context;
  const lines = useMemo<ChartLineStyle[]>(() => [{ name: 'train', label: 'train ELBO' }, { name: 'test', label: `test bound K=${k}`, dash: '6 4', dots: true }], [k]);
  return (
    <div ref={ref} className="chart-slot">
      <MetricChart
        width={width}
        id="elbo"
        title={`ELBO: single-sample train ELBO (solid) and ${k}-sample test bound (dashed)`}
        rows={rows}
        estimators={estimators}
        lines={lines}
        yLabel="ELBO (nats per image)"
        digits={2}
        verticalMarkers={stops}
        bands={bands}
        note={note}
        emptyText={context.emptyText}
        xMax={context.xMax}
      />
    </div>
  );
}

function EncoderVarianceChart({ context }: { context: ChartContext }) {
  const { ref, width, rows, stops } = useChartRows('variance', 1 / 3, context, VARIANCE_SERIES);
  const { estimators, bands } = context;
  return (
    <div ref={ref} className="chart-slot">
      <MetricChart
        width={width}
        id="variance"
        title="Encoder-gradient variance: natural log of the mean per-parameter variance over a batch"
        rows={rows}
        estimators={estimators}
        lines={VARIANCE_LINES}
        yLabel="ln(mean encoder-grad variance)"
        digits={2}
        note={context.varianceNote ?? undefined}
        verticalMarkers={stops}
        bands={bands}
        emptyText={context.emptyText}
        xMax={context.xMax}
      />
    </div>
  );
}

function EncoderLayerVarianceChart({ context }: { context: ChartContext }) {
  const { estimators, layers, bands } = context;
  const [layer, setLayer] = useState(0);
  const shown = Math.min(layer, Math.max(0, layers - 1));
  const series = useMemo(() => [layerVarianceSeries(shown)], [shown]);
  const lines = useMemo<ChartLineStyle[]>(() => [{ name: series[0].name, label: 'ln var' }], [series]);
  const { ref, width, rows, stops } = useChartRows('layer-variance', 2 / 3, context, series);
  return (
    <>
      <div className="layer-picker">
        Per-layer variance:{' '}
        {Array.from({ length: layers }, (_, l) => (
          <button key={l} type="button" className={l === shown ? 'selected' : ''} data-testid={`layer-${l}`} onClick={() => setLayer(l)}>
            encoder layer {l + 1}
          </button>
        ))}
      </div>
      <div ref={ref} className="chart-slot">
        <MetricChart
          width={width}
          verticalMarkers={stops}
          id="layer-variance"
          title={`Gradient variance of encoder layer ${shown + 1} (q_${shown + 1}; ln of the mean per-parameter variance)`}
          rows={rows}
          estimators={estimators}
          lines={lines}
          yLabel="ln(mean gradient variance)"
          digits={2}
          height={240}
          bands={bands}
          note={context.varianceNote ?? undefined}
          emptyText={context.emptyText}
          xMax={context.xMax}
        />
      </div>
    </>
  );
}

/** The K-sample test bound's progress while the worker computes it (it takes seconds on the CPU engine). */
function BoundProgress({ k }: { k: number }) {
  const evaluating = usePlayground((s) => s.evaluating);
  if (!evaluating) return <div className="bound-progress idle" data-testid="bound-progress" data-state="idle" />;
  const percent = Math.round((100 * evaluating.done) / evaluating.total);
  return (
    <div className="bound-progress" data-testid="bound-progress" data-state="running" role="status">
      Computing the {k}-sample test bound… {percent}% <progress max={evaluating.total} value={evaluating.done} />
    </div>
  );
}

/** The paper's Figure 3 in words: its orderings by depth; its printed values are unlabelled, so they are not markers. */
function Figure3Facts({ layers }: { layers: number }) {
  return (
    <aside className="paper-facts" data-testid="paper-facts">
      <h3>The paper (Figure 3, {FIG3_REFERENCE.epochs} epochs, lr 1e-4)</h3>
      <ul>
        {FIG3_REFERENCE.ordering.map((line, i) => (
          <li key={line} className={(i === 0) === (layers === 1) ? 'current' : undefined}>
            {line}
          </li>
        ))}
        <li>
          Final train ELBOs printed in the figure: {FIG3_REFERENCE.printedFinalTrainElbos[0]} (best, 1 layer) down to{' '}
          {FIG3_REFERENCE.printedFinalTrainElbos.at(-1)} nats; ln encoder-gradient variances from {FIG3_REFERENCE.logMeanGradVarianceRange[0]} to{' '}
          {FIG3_REFERENCE.logMeanGradVarianceRange[1]}, REINFORCE highest. The text does not say which value is which estimator, so none is drawn as a marker.
        </li>
      </ul>
    </aside>
  );
}

function LatestValuesLive({ context, k }: { context: ChartContext; k: number }) {
  const { points, failures } = useThrottledMetrics(0.5, 1000);
  return <LatestValues points={points} failures={failures} runs={context.runs} estimators={context.estimators} vaeK={k} varianceUndefined={context.varianceNote !== null} />;
}

export function VaeChartsPanel() {
  const { runs, layers, failures, k, updatesPerPoint, updatesPerEvaluation, updatesPerEpoch, comparing } = usePlayground(
    useShallow((s) => ({
      comparing: s.config.comparePaper && !s.config.hide.includes('paper'),
      runs: s.engine?.runs ?? NO_RUNS,
      layers: s.engine?.layers ?? 0,
      failures: s.failures,
      k: s.engine?.testK ?? s.config.testK,
      updatesPerPoint: s.engine?.updatesPerPoint,
      updatesPerEvaluation: s.engine?.updatesPerEvaluation,
      updatesPerEpoch: s.engine?.updatesPerEpoch,
    })),
  );
  const estimators = useMemo(() => estimatorsOfRuns(runs), [runs]);
  const seeds = useMemo(() => new Set(runs.map((r) => r.seed)).size, [runs]);
  const varianceNote = usePlayground((s) => varianceNoteFor(s.config.batch));
  const { xMax, smoothing, setSmoothing, varianceEvery } = useSharedChartOptions();
  const context = useMemo<ChartContext>(
    () => ({ runs, estimators, layers, bands: seeds > 1, emptyText: emptyChartText(updatesPerPoint), xMax, smoothing, varianceEvery, varianceNote }),
    [runs, estimators, layers, seeds, updatesPerPoint, xMax, smoothing, varianceEvery, varianceNote],
  );
  // the bound takes seconds: it comes every quarter epoch or so, long after the first train ELBO
  const boundNote =
    updatesPerEvaluation === undefined || updatesPerEpoch === undefined
      ? undefined
      : `Dashed: the ${k}-sample test bound, computed every ${updatesPerEvaluation} updates (${Number((updatesPerEvaluation / updatesPerEpoch).toPrecision(3))} epoch), the first after update ${updatesPerEvaluation}.`;
  return (
    <div className="panel charts vae" data-testid="charts">
      <div className="chart-header">
        <ChartLegend estimators={estimators} seeds={seeds} paper={false} runs={runs} failures={failures} smoothing={smoothing} lineNote={`solid: train ELBO (single sample) · dashed: ${k}-sample test bound`} />
        <SmoothingSelect smoothing={smoothing} onChange={setSmoothing} />
      </div>
      <PaceNotice evaluates="test bound" />
      <KeyComparisonLine runs={runs} estimators={estimators} task="vae" />
      <BoundProgress k={k} />
      <div className="chart-grid">
        <ElboChart context={context} k={k} note={boundNote} />
        <EncoderVarianceChart context={context} />
      </div>
      <div className="vae-lower">
        <div className="vae-layer-chart">
          <EncoderLayerVarianceChart context={context} />
        </div>
        {comparing && <Figure3Facts layers={layers} />}
      </div>
      <LatestValuesLive context={context} k={k} />
    </div>
  );
}
