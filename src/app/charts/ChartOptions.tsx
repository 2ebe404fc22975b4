// What the charts of a panel share besides their data: the x axis end (so side-by-side charts
// end at the same epoch), the smoothing a presenter chose, and the key comparison said in words.
import { memo, useMemo, useState } from 'react';
import type { EstimatorId, RunSpec } from '../../engine/types.ts';
import { keyComparison } from '../model/keyComparison.ts';
import { paceNotice } from '../model/pace.ts';
import { SMOOTHING_LEVELS } from '../model/smoothing.ts';
import { niceAxisFromZero } from '../model/ticks.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useThrottledMetrics } from '../store/useThrottledPoints.ts';

/**
 * The panel's shared x end: the latest metric point's epoch rounded up to a round tick (changes
 * only when it crosses one, so the panel seldom redraws for it), the smoothing chosen, and the
 * engine's variance subsampling.
 */
export function useSharedChartOptions(): { xMax: number; smoothing: number; setSmoothing: (weight: number) => void; varianceEvery: number } {
  const xMax = usePlayground((s) => niceAxisFromZero(s.points.at(-1)?.epoch ?? 0).domain[1]);
  const varianceEvery = usePlayground((s) => s.engine?.varianceEvery ?? 1);
  const [smoothing, setSmoothing] = useState(0);
  return { xMax, smoothing, setSmoothing, varianceEvery };
}

/** The smoothing choice (an EMA of each run's curve; the table of latest values stays unsmoothed). */
export function SmoothingSelect({ smoothing, onChange }: { smoothing: number; onChange: (weight: number) => void }) {
  return (
    <label className="smoothing" title="Smooths each run’s noisy curves with an exponential moving average over the metric points (test values and the table below are not smoothed)">
      Smoothing{' '}
      <select data-testid="smoothing" value={smoothing} onChange={(e) => onChange(Number(e.target.value))}>
        {SMOOTHING_LEVELS.map((level) => (
          <option key={level.weight} value={level.weight}>
            {level.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The key comparison (keyComparison) of the latest points, in one sentence over the charts; nothing before it can be said. */
export const KeyComparisonLine = memo(function KeyComparisonLine({ runs, estimators, task }: { runs: readonly RunSpec[]; estimators: readonly EstimatorId[]; task: 'bandit' | 'vae' }) {
  const { points } = useThrottledMetrics(0.75, 2000);
  const comparison = useMemo(() => keyComparison(points, runs, estimators, task), [points, runs, estimators, task]);
  return (
    <p className="key-comparison" data-testid="key-comparison" aria-live="polite" data-nats={comparison ? comparison.nats.toFixed(3) : ''}>
      {comparison ? comparison.sentence : ''}
    </p>
  );
});

/**
 * What a slow task should expect (paceNotice) at the measured speed, over the charts; nothing on
 * a fast one. Reads the speed to two significant figures, so it redraws only when its words change.
 */
export function PaceNotice({ evaluates }: { evaluates: string }) {
  const text = usePlayground((s) =>
    s.engine
      ? paceNotice({
          updatesPerSecond: Number(s.status.updatesPerSecond.toPrecision(2)),
          updatesPerPoint: s.engine.updatesPerPoint,
          updatesPerEvaluation: s.engine.updatesPerEvaluation,
          evaluates,
        })
      : null,
  );
  return text ? (
    <p className="pace-notice" data-testid="pace-notice">
      {text}
    </p>
  ) : null;
}
