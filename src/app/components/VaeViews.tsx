// "Looking at the model as it learns" for the Discrete VAE: per estimator (the runs of the
// first seed), reconstructions of fixed test digits (input, sampled code, decoder
// probabilities), digits sampled from the prior, and each encoder layer's units coloured by
// firing probability for a chosen digit. The worker computes them (engine.viewVae / inspect);
// they refresh on their own while training (throttled), at once on pause, and each view says
// which update it shows.
import { useCallback, useContext, useDeferredValue, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EstimatorId, RunSpec, VaeDigit } from '../../engine/types.ts';
import { estimatorLabel } from '../model/config.ts';
import { ESTIMATOR_COLORS, probabilityColor, readableOnWhite } from '../model/palette.ts';
import { gridShape } from '../model/unitGrid.ts';
import { PlaygroundStoreContext, usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import type { RunVaeViews, VaeViewsResult } from '../../worker/protocol.ts';
import { CellCanvas } from './CellCanvas.tsx';
import { DigitImage } from './DigitImage.tsx';
import { NumberField } from './NumberField.tsx';

/** The test digits every reconstruction view shows (the first of the test set: fixed, so changes are the model's). */
const VIEW_DIGITS = [0, 1, 2, 3, 4, 5, 6, 7];
const PRIOR_SAMPLES = 8;
/** the views refresh at most this often while training */
export const VAE_VIEW_REFRESH_MS = 2500;
const CELL = 3;

/** Pixel probabilities as a grey image: dark = likely on (as the input digits are drawn). */
function ProbabilityImage({ probabilities, rows, cols, label, testId }: { probabilities: Float32Array; rows: number; cols: number; label: string; testId?: string }) {
  const color = useCallback((i: number) => {
    const v = Math.round(255 * (1 - Math.min(1, Math.max(0, probabilities[i]))));
    return `rgb(${v},${v},${v})`;
  }, [probabilities]);
  return <CellCanvas cols={cols} rows={rows} count={rows * cols} cell={CELL} color={color} label={label} testId={testId} />;
}

/** A layer's 0/1 code as a grid of cells (black = 1). */
function CodeImage({ code, label }: { code: Uint8Array; label: string }) {
  const shape = gridShape(code.length);
  const cell = Math.max(2, Math.floor((28 * CELL) / shape.cols));
  const color = useCallback((i: number) => (code[i] === 1 ? '#111' : '#fff'), [code]);
  return <CellCanvas cols={shape.cols} rows={shape.rows} count={code.length} cell={cell} color={color} label={label} />;
}

/** A layer's firing probabilities as a grid (dark blue 0 → yellow 1). */
function ProbabilityGrid({ probabilities, label }: { probabilities: Float32Array; label: string }) {
  const shape = gridShape(probabilities.length);
  const cell = Math.max(3, Math.min(10, Math.floor(110 / shape.cols)));
  const color = useCallback((i: number) => probabilityColor(probabilities[i]), [probabilities]);
  return <CellCanvas cols={shape.cols} rows={shape.rows} count={probabilities.length} cell={cell} color={color} label={label} testId="vae-layer-grid" />;
}

function Reconstructions({ views, run, rows, cols }: { views: VaeViewsResult; run: RunVaeViews; rows: number; cols: number }) {
  const pixels = rows * cols;
  return (
    <div className="vae-recon" data-testid="vae-reconstructions">
      {run.reconstructions.map((digit: VaeDigit, k) => (
        <figure key={views.testIndices[k]} className="vae-recon-digit">
          <DigitImage image={views.images.subarray(k * pixels, (k + 1) * pixels)} rows={rows} cols={cols} size={28 * CELL} label={`test digit ${views.testIndices[k]}`} />
          <CodeImage code={digit.code[0]} label={`sampled code of layer 1 for test digit ${views.testIndices[k]}`} />
          <ProbabilityImage probabilities={digit.pixelProbabilities} rows={rows} cols={cols} label={`reconstruction of test digit ${views.testIndices[k]}`} testId="vae-reconstruction" />
        </figure>
      ))}
      <div className="vae-recon-legend">
        <span>input x</span>
        <span>code φ₁ ~ q(·|x)</span>
        <span>p(x = 1 | φ₁)</span>
      </div>
    </div>
  );
}

function RunViews({ views, run, spec, rows, cols }: { views: VaeViewsResult; run: RunVaeViews; spec: RunSpec; rows: number; cols: number }) {
  const color = ESTIMATOR_COLORS[spec.estimator as EstimatorId];
  return (
    <div className="vae-run" style={{ borderColor: color }} data-testid={`vae-run-${spec.estimator}`}>
      <h3 style={{ color: readableOnWhite(color) }}>
        {estimatorLabel(spec.estimator)} <span className="vae-stamp">(seed {spec.seed}, update {views.update})</span>
      </h3>
      <section>
        <h4>Reconstructions of test digits {views.testIndices[0]}–{views.testIndices.at(-1)} at update {views.update}</h4>
        <Reconstructions views={views} run={run} rows={rows} cols={cols} />
      </section>
      <section>
        <h4>Digits sampled from the prior at update {views.update}</h4>
        {run.samples ? (
          <div className="vae-samples" data-testid="vae-samples">
            {run.samples.map((digit, k) => (
              <ProbabilityImage key={k} probabilities={digit.pixelProbabilities} rows={rows} cols={cols} label={`digit ${k + 1} sampled from the prior`} testId="vae-sample" />
            ))}
          </div>
        ) : (
          <p className="note">Not shown: {views.samplesNote ?? 'this engine does not sample from the prior'}.</p>
        )}
        <p className="note">φ_L ~ p(φ_L), each layer below from the decoder, then p(x = 1 | φ₁) drawn as grey.</p>
      </section>
      <section>
        <h4>
          Encoder layers for test digit {views.chosen} at update {views.update}
        </h4>
        <div className="vae-layers">
          {run.probabilities.map((p, l) => (
            <figure key={l} title="Firing probability q(φ = 1 | layer below) of each unit (dark blue: 0, yellow: 1)">
              <ProbabilityGrid probabilities={p} label={`encoder layer ${l + 1} firing probabilities`} />
              <figcaption>layer {l + 1}</figcaption>
            </figure>
          ))}
        </div>
      </section>
    </div>
  );
}

/** Asks the worker for fresh views: at once when the engine is ready or the chosen digit changes, every VAE_VIEW_REFRESH_MS while the updates move, and at once when training pauses. */
function useVaeViewRefresh(chosen: number): void {
  const controller = useController();
  const store = useContext(PlaygroundStoreContext);
  const engine = usePlayground((s) => s.engine);
  const requestedAt = useRef(-1);
  useEffect(() => {
    if (!store || !engine || engine.task !== 'vae') return;
    const request = (): void => {
      requestedAt.current = store.getState().status.updates;
      controller.viewVae(VIEW_DIGITS.filter((i) => i < engine.testCount), PRIOR_SAMPLES, chosen);
    };
    request();
    const timer = setInterval(() => {
      // the previous request was answered or refused (every request is): a new one when the updates moved
      const { status, pendingViews } = store.getState();
      if (pendingViews.viewVae === 0 && status.updates !== requestedAt.current) request();
    }, VAE_VIEW_REFRESH_MS);
    const unsubscribe = store.subscribe((state, previous) => {
      if (previous.status.playing && !state.status.playing) request();
    });
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [store, engine, controller, chosen]);
}

export function VaeViews() {
  const { engine, views: answered, failure } = usePlayground(useShallow((s) => ({ engine: s.engine, views: s.vaeViews, failure: s.viewFailures.viewVae })));
  // drawn as a deferred value (a background pass React splits across tasks): the reconstructions,
  // samples and layer grids of every run are many canvases; the stamp says which update is drawn
  const views = useDeferredValue(answered);
  const [chosen, setChosen] = useState(0);
  useVaeViewRefresh(chosen);
  if (!engine || engine.task !== 'vae') return null;
  const choose = (index: number): void => setChosen(((index % engine.testCount) + engine.testCount) % engine.testCount);
  return (
    <div className="panel vae-views" data-testid="vae-views" data-update={views?.update ?? -1}>
      <h2>Looking at the model as it learns</h2>
      <div className="inside-controls">
        <span data-testid="vae-views-update">{views ? `Shown: update ${views.update}` : 'Computing the first views…'}</span>
        <span className="note">refreshed every {VAE_VIEW_REFRESH_MS / 1000} s while training, and on pause</span>
        {failure && (
          <span className="error-line" role="status" data-testid="vae-views-failure">
            {failure}
          </span>
        )}
        <label title="Which test image (0 = the first of the test set) to encode for the pictures of the encoder’s layers below (its pixels on where the intensity is ≥ 128)">
          Encoder layers shown for test image no.{' '}
          <NumberField testId="vae-chosen" value={chosen} range={{ min: 0, max: engine.testCount - 1, integer: true }} maxReason={`the test set has ${engine.testCount} images, numbered from 0`} onCommit={choose} />
        </label>
      </div>
      {views && (
        <div className="vae-runs">
          {views.runs.map((run) => {
            const spec = engine.runs[run.run];
            return spec ? <RunViews key={run.run} views={views} run={run} spec={spec} rows={engine.rows} cols={engine.cols} /> : null;
          })}
        </div>
      )}
    </div>
  );
}
