// "Inside the network": for a chosen test digit, each layer's units coloured by firing
// probability and by HNCA credit rho(1) − rho(0) (categorical units, docs/math.md §7.1: per value
// π(v) and the credit π(v)(ρ(v) − 1)), hover details, first-layer weights as
// images, and each estimator's action probabilities (engine.inspect and readWeights).
// Refreshed on its own every few seconds while training (one request at a time, answered by the
// worker between training chunks) and once when training stops; stamped with its update.
// Colour legends say what the colours mean; the hovered unit is outlined; the credit grids are
// drawn only for estimators that use HNCA's credit. The contextual bandits (MNIST, patterns)
// and the conv task (its one Bernoulli layer, its first convolution's filters) both show it.
import { useContext, useDeferredValue, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { banditEstimator } from '../../engine/estimators.ts';
import type { BanditEstimator, EngineTask } from '../../engine/types.ts';
import { estimatorLabel } from '../model/config.ts';
import { formatNumber } from '../model/format.ts';
import { ESTIMATOR_COLORS, estimatorTextColor } from '../model/palette.ts';
import { PlaygroundStoreContext, usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { ActionBars } from './ActionBars.tsx';
import { DigitImage } from './DigitImage.tsx';
import { LayerGrids, type UnitHover } from './LayerGrids.tsx';
import { ColorLegends } from './ColorLegends.tsx';
import { WeightImages } from './WeightImages.tsx';
import { NumberField } from './NumberField.tsx';
import '../charts/charts.css';

/** How often the view refreshes itself while training. */
export const INSIDE_REFRESH_MS = 3000;

/** Whether a task's engine has this view (the contextual bandits; the VAE has its own views, VaeViews.tsx). */
export function hasInsideView(task: EngineTask): boolean {
  return task === 'bandit' || task === 'conv-bandit';
}

export function InsideNetwork() {
  const controller = useController();
  const store = useContext(PlaygroundStoreContext);
  const { engine, inspection: answered, testIndex, playing, failure } = usePlayground(
    useShallow((s) => ({ engine: s.engine, inspection: s.inspection, testIndex: s.testIndex, playing: s.status.playing, failure: s.viewFailures.inspect })),
  );
  // drawn as a deferred value: the dozens of unit grids and weight images (a canvas each) render
  // in a background pass that React splits across tasks, not in one long task of the worker's message
  const inspection = useDeferredValue(answered);
  const [hover, setHover] = useState<UnitHover | null>(null);
  useEffect(() => {
    if (engine && hasInsideView(engine.task)) controller.inspectTest(store?.getState().testIndex ?? 0);
  }, [engine, controller, store]);
  // live: a refresh every INSIDE_REFRESH_MS while training, never a second one before the first is answered (or refused)
  useEffect(() => {
    if (!engine || !hasInsideView(engine.task) || !store) return; // the VAE's views: VaeViews.tsx
    const refresh = (): void => {
      if (store.getState().pendingViews.inspect > 0) return;
      controller.inspectTest(store.getState().testIndex);
    };
    if (!playing) {
      // training stopped: show the networks as they are now
      if (store.getState().status.updates > 0) refresh();
      return;
    }
    const timer = setInterval(refresh, INSIDE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [playing, engine, controller, store]);
  if (!engine || !hasInsideView(engine.task)) return null;
  const choose = (index: number): void => controller.inspectTest(((index % engine.testCount) + engine.testCount) % engine.testCount);
  const lastPoint = store?.getState().points.at(-1);
  const hoverRun = hover ? engine.runs[hover.run] : undefined;
  return (
    <div className="panel inside" data-testid="inside-network">
      <h2>Inside the network</h2>
      <div className="inside-controls">
        <label title="Index of the test image to run through the networks (deterministic input: pixel on when intensity ≥ 128)">
          Test image{' '}
          <NumberField testId="inspect-index" value={testIndex} range={{ min: 0, max: engine.testCount - 1, integer: true }} maxReason={`the test set has ${engine.testCount} images, numbered from 0`} onCommit={choose} />
        </label>
        <button type="button" onClick={() => choose(testIndex - 1)}>
          ◀
        </button>
        <button type="button" onClick={() => choose(testIndex + 1)}>
          ▶
        </button>
        <button type="button" onClick={() => choose(Math.floor(Math.random() * engine.testCount))}>
          Random
        </button>
        <button type="button" data-testid="inspect-refresh" title="Run the current networks on this image again (the weights change while training)" onClick={() => choose(testIndex)}>
          Refresh
        </button>
      </div>
      {failure && (
        <p className="error-line" role="status" data-testid="inspect-failure">
          {failure}
        </p>
      )}
      {inspection && (
        <p className="inside-stamp" data-testid="inspect-stamp" data-update={inspection.update}>
          The networks after update {inspection.update}
          {playing ? ` · refreshed every ${INSIDE_REFRESH_MS / 1000} s while training` : ''}
        </p>
      )}
      {inspection && <ColorLegends conv={engine.task === 'conv-bandit'} />}
      {inspection && (
        <div className="inside-body">
          <div className="inside-input">
            <DigitImage image={inspection.image} rows={engine.rows} cols={engine.cols} size={112} label={`test image ${inspection.testIndex}`} />
            <div>label {inspection.label}</div>
          </div>
          {inspection.runs.map((run) => {
            const estimator = engine.runs[run.run].estimator as BanditEstimator;
            return (
              <div key={run.run} className="inside-run" style={{ borderColor: ESTIMATOR_COLORS[estimator] }} data-testid={`inside-run-${estimator}`}>
                <ActionBars estimator={estimator} probabilities={run.actionProbabilities} label={inspection.label} />
                <LayerGrids run={run} onHover={setHover} showCredit={banditEstimator(estimator).signal === 'hnca'} hovered={hover} />
              </div>
            );
          })}
          <div className="unit-details" data-testid="unit-details">
            {hover && hoverRun && hover.categorical ? (
              <>
                <b style={{ color: estimatorTextColor(hoverRun.estimator) }}>{estimatorLabel(hoverRun.estimator)}</b>, hidden layer {hover.layer + 1}, unit {hover.unit}, value {hover.categorical.value}
                <br />
                probabilities π = [{hover.categorical.probabilities.map((p) => formatNumber(p, 3)).join(', ')}], sampled φ = {hover.categorical.sampled}
                <br />
                {banditEstimator(hoverRun.estimator).signal === 'hnca' ? (
                  <>
                    HNCA credit per value π(ρ − 1) = [{hover.categorical.credit.map((c) => formatNumber(c, 3)).join(', ')}]
                    <br />
                    hindsight posterior πρ = [{hover.categorical.posterior.map((p) => formatNumber(p, 3)).join(', ')}]
                  </>
                ) : (
                  <>{estimatorLabel(hoverRun.estimator)} uses no credit: its learning signal is the reward times the score of φ</>
                )}
                <br />
                layer gradient variance (ln, last window) = {formatNumber(lastPoint?.runs[hover.run]?.layerLogVar[hover.layer] ?? null, 2)}
              </>
            ) : hover && hoverRun ? (
              <>
                <b style={{ color: estimatorTextColor(hoverRun.estimator) }}>{estimatorLabel(hoverRun.estimator)}</b>, hidden layer {hover.layer + 1}, unit {hover.unit}
                <br />
                firing probability p = {formatNumber(hover.probability, 4)}, sampled φ = {hover.sample}
                <br />
                {banditEstimator(hoverRun.estimator).signal === 'hnca' ? (
                  <>HNCA credit ρ(1) − ρ(0) = {formatNumber(hover.credit, 4)}</>
                ) : (
                  <>{estimatorLabel(hoverRun.estimator)} uses no credit: its learning signal is the reward times the score of φ</>
                )}
                <br />
                layer gradient variance (ln, last window) = {formatNumber(lastPoint?.runs[hover.run]?.layerLogVar[hover.layer] ?? null, 2)}
              </>
            ) : (
              'Hover a unit: its firing probability, sampled value, HNCA credit and its layer’s gradient variance.'
            )}
          </div>
        </div>
      )}
      {inspection && <WeightImages inspection={inspection} runs={engine.runs} rows={engine.rows} cols={engine.cols} conv={engine.task === 'conv-bandit'} />}
    </div>
  );
}
