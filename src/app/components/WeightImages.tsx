// A few first-layer units' incoming weights as images (blue positive, orange negative).
import { memo, useCallback } from 'react';
import type { RunSpec } from '../../engine/types.ts';
import { estimatorLabel } from '../model/config.ts';
import { divergingColor, estimatorTextColor } from '../model/palette.ts';
import { maxAbs } from '../model/unitGrid.ts';
import type { InspectionResult } from '../../worker/protocol.ts';
import { CellCanvas } from './CellCanvas.tsx';

function WeightImage({ weights, rows, cols, unit }: { weights: Float32Array; rows: number; cols: number; unit: number }) {
  const scale = maxAbs(weights);
  const color = useCallback((i: number) => divergingColor(weights[i], scale), [weights, scale]);
  return (
    <figure title={`unit ${unit}: weights from each pixel (scale ±${scale.toPrecision(2)})`}>
      <CellCanvas cols={cols} rows={rows} count={rows * cols} cell={Math.max(2, Math.floor(56 / cols))} color={color} label={`unit ${unit} weights`} />
      <figcaption>unit {unit}</figcaption>
    </figure>
  );
}

export const WeightImages = memo(function WeightImages({ inspection, runs, rows, cols }: { inspection: InspectionResult; runs: readonly RunSpec[]; rows: number; cols: number }) {
  return (
    <div className="weights" data-testid="weight-images">
      <h3>First-layer weights (each unit’s weights from the {rows}×{cols} pixels)</h3>
      {inspection.firstLayerWeights.map((w) => (
        <div key={w.run} className="weight-row">
          <span style={{ color: estimatorTextColor(runs[w.run].estimator) }}>{estimatorLabel(runs[w.run].estimator)}</span>
          {Array.from({ length: w.units }, (_, u) => (
            <WeightImage key={u} unit={u} rows={rows} cols={cols} weights={w.data.subarray(u * w.cols, (u + 1) * w.cols)} />
          ))}
        </div>
      ))}
    </div>
  );
});
