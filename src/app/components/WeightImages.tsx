// Every first-layer unit's incoming weights as an image (blue positive, orange negative), a page
// at a time: the bandit's hidden units over the image's pixels, or the conv task's first
// convolution's filters (3×3). The same page for every estimator, so a unit reads across.
import { memo, useCallback, useState } from 'react';
import type { RunSpec } from '../../engine/types.ts';
import { estimatorLabel } from '../model/config.ts';
import { divergingColor, estimatorTextColor } from '../model/palette.ts';
import { maxAbs } from '../model/unitGrid.ts';
import type { InspectionResult } from '../../worker/protocol.ts';
import { CellCanvas } from './CellCanvas.tsx';

/** Weight images shown per page. */
export const WEIGHT_PAGE = 24;

function WeightImage({ weights, rows, cols, unit, size }: { weights: Float32Array; rows: number; cols: number; unit: number; size: number }) {
  const scale = maxAbs(weights);
  const color = useCallback((i: number) => divergingColor(weights[i], scale), [weights, scale]);
  return (
    <figure title={`unit ${unit}: weights from each input (orange negative, blue positive; scale ±${scale.toPrecision(2)})`}>
      <CellCanvas cols={cols} rows={rows} count={rows * cols} cell={Math.max(2, Math.floor(size / cols))} color={color} label={`unit ${unit} weights`} />
      <figcaption>{unit}</figcaption>
    </figure>
  );
}

/** The image shape of a weight row of `inputs` values: the input image's, else a square (a 3×3 filter), else one row. */
export function weightImageShape(inputs: number, imageRows: number, imageCols: number): { rows: number; cols: number } {
  if (inputs === imageRows * imageCols) return { rows: imageRows, cols: imageCols };
  const side = Math.round(Math.sqrt(inputs));
  return side * side === inputs ? { rows: side, cols: side } : { rows: 1, cols: inputs };
}

export const WeightImages = memo(function WeightImages({ inspection, runs, rows, cols, conv }: { inspection: InspectionResult; runs: readonly RunSpec[]; rows: number; cols: number; conv: boolean }) {
  const [page, setPage] = useState(0);
  const units = Math.max(0, ...inspection.firstLayerWeights.map((w) => w.units));
  const pages = Math.max(1, Math.ceil(units / WEIGHT_PAGE));
  const shown = Math.min(page, pages - 1);
  const first = shown * WEIGHT_PAGE;
  const last = Math.min(units, first + WEIGHT_PAGE);
  const inputs = inspection.firstLayerWeights[0]?.cols ?? rows * cols;
  const shape = weightImageShape(inputs, rows, cols);
  return (
    <div className="weights" data-testid="weight-images" data-units={units}>
      <h3>
        {conv
          ? `First convolution’s filters (each output channel’s ${shape.rows}×${shape.cols} weights over the image)`
          : `First-layer weights (each unit’s weights from the ${rows}×${cols} pixels)`}
      </h3>
      {pages > 1 && (
        <div className="weight-pager">
          <button type="button" data-testid="weights-previous" disabled={shown === 0} onClick={() => setPage(shown - 1)} aria-label="previous units">
            ◀
          </button>
          <span data-testid="weights-range">
            {conv ? 'filters' : 'units'} {first}–{last - 1} of {units}
          </span>
          <button type="button" data-testid="weights-next" disabled={shown >= pages - 1} onClick={() => setPage(shown + 1)} aria-label="next units">
            ▶
          </button>
        </div>
      )}
      {inspection.firstLayerWeights.map((w) => (
        <div key={w.run} className="weight-row" data-testid={`weights-${runs[w.run].estimator}`}>
          <span style={{ color: estimatorTextColor(runs[w.run].estimator) }}>{estimatorLabel(runs[w.run].estimator)}</span>
          {Array.from({ length: Math.max(0, Math.min(w.units, last) - first) }, (_, k) => {
            const u = first + k;
            return <WeightImage key={u} unit={u} rows={shape.rows} cols={shape.cols} size={conv ? 36 : 56} weights={w.data.subarray(u * w.cols, (u + 1) * w.cols)} />;
          })}
        </div>
      ))}
    </div>
  );
});
