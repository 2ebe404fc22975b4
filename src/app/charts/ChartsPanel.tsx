// Accuracy, log gradient variance and per-layer variance charts. Each redraws on its own
// staggered timer from downsampled rows; the paper's final values are markers when the setting matches.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunSpec } from '../../engine/types.ts';
import { emptyChartText, varianceNoteFor, type ChartContext } from '../model/chartMarks.ts';
import { banditEstimatorsOf, banditLayerNames } from '../model/config.ts';
import { paperValuesFor } from '../model/paperReference.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useThrottledMetrics } from '../store/useThrottledPoints.ts';
import { AccuracyChart, LayerVarianceChart, VarianceChart } from './TrainingCharts.tsx';
import { ChartLegend } from './ChartLegend.tsx';
import { KeyComparisonLine, PaceNotice, SmoothingSelect, useSharedChartOptions } from './ChartOptions.tsx';
import { LatestValues } from './LatestValues.tsx';
import { VaeChartsPanel } from './VaeCharts.tsx';
import { isVaeTask } from '../../playground/config.ts';

const NO_RUNS: readonly RunSpec[] = [];

function LatestValuesLive({ context }: { context: ChartContext }) {
  const { points, failures } = useThrottledMetrics(0.5, 1000);
  return <LatestValues points={points} failures={failures} runs={context.runs} estimators={context.estimators} varianceUndefined={context.varianceNote !== null} />;
}

/** The live charts of the current task: the bandit's, or the VAE's (VaeCharts.tsx). */
export function ChartsPanel() {
  const vae = usePlayground((s) => (s.engine?.task ?? (isVaeTask(s.config.task) ? 'vae' : 'bandit')) === 'vae');
  return vae ? <VaeChartsPanel /> : <BanditChartsPanel />;
}

function BanditChartsPanel() {
  const { runs, layers, config, failures, updatesPerPoint, task } = usePlayground(
    useShallow((s) => ({ runs: s.engine?.runs ?? NO_RUNS, layers: s.engine?.layers ?? 0, config: s.config, failures: s.failures, updatesPerPoint: s.engine?.updatesPerPoint, task: s.engine?.task })),
  );
  const layerNames = useMemo(() => banditLayerNames(task, layers), [task, layers]);
  const estimators = useMemo(() => banditEstimatorsOf(runs), [runs]);
  const seeds = useMemo(() => new Set(runs.map((r) => r.seed)).size, [runs]);
  const varianceNote = usePlayground((s) => varianceNoteFor(s.config.batch));
  const { xMax, smoothing, setSmoothing, varianceEvery } = useSharedChartOptions();
  const context = useMemo<ChartContext>(
    () => ({ runs, estimators, layers, bands: seeds > 1, emptyText: emptyChartText(updatesPerPoint), xMax, smoothing, varianceEvery, varianceNote }),
    [runs, estimators, layers, seeds, updatesPerPoint, xMax, smoothing, varianceEvery, varianceNote],
  );
  // the paper's values only behind "compare with the paper" (issue 24: not a newcomer's first sight)
  const comparing = config.comparePaper && !config.hide.includes('paper');
  const paper = useMemo(() => (comparing ? paperValuesFor(config) : []), [config, comparing]);
  return (
    <div className="panel charts" data-testid="charts">
      <div className="chart-header">
        <ChartLegend estimators={estimators} seeds={seeds} paper={paper.length > 0} runs={runs} failures={failures} smoothing={smoothing} />
        <SmoothingSelect smoothing={smoothing} onChange={setSmoothing} />
      </div>
      <PaceNotice evaluates="test accuracy" />
      <KeyComparisonLine runs={runs} estimators={estimators} task="bandit" />
      <div className="chart-grid">
        <AccuracyChart context={context} paper={paper} />
        <VarianceChart context={context} paper={paper} />
      </div>
      <LayerVarianceChart context={context} names={layerNames} />
      <LatestValuesLive context={context} />
    </div>
  );
}
