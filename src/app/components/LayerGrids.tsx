// One run's hidden layers: units as grids coloured by firing probability and by HNCA credit.
import { memo, useCallback } from 'react';
import { divergingColor, probabilityColor } from '../model/palette.ts';
import { gridShape, maxAbs } from '../model/unitGrid.ts';
import type { RunInspection } from '../../worker/protocol.ts';
import { CellCanvas } from './CellCanvas.tsx';

export interface UnitHover {
  run: number;
  layer: number;
  unit: number;
  probability: number;
  credit: number;
  sample: number;
}

function LayerGrid({ run, layer, onHover }: { run: RunInspection; layer: number; onHover: (hover: UnitHover | null) => void }) {
  const probabilities = run.probabilities[layer];
  const credit = run.credit[layer];
  const units = probabilities.length;
  const shape = gridShape(units);
  const cell = Math.max(3, Math.min(12, Math.floor(96 / shape.cols)));
  const scale = maxAbs(credit);
  const pColor = useCallback((i: number) => probabilityColor(probabilities[i]), [probabilities]);
  const cColor = useCallback((i: number) => divergingColor(credit[i], scale), [credit, scale]);
  const hover = (unit: number | null): void =>
    onHover(unit === null ? null : { run: run.run, layer, unit, probability: probabilities[unit], credit: credit[unit], sample: run.samples[layer]?.[unit] ?? 0 });
  return (
    <div className="layer-grid">
      <div className="grid-caption">layer {layer + 1}</div>
      <div className="grid-pair">
        <figure title="Firing probability p of each unit (dark: 0, yellow: 1)">
          <CellCanvas cols={shape.cols} rows={shape.rows} count={units} cell={cell} color={pColor} onHover={hover} label={`layer ${layer + 1} firing probabilities`} testId="probability-grid" />
          <figcaption>p</figcaption>
        </figure>
        <figure title={`HNCA credit ρ(1) − ρ(0) of each unit (blue: positive, orange: negative; scale ±${scale.toPrecision(2)})`}>
          <CellCanvas cols={shape.cols} rows={shape.rows} count={units} cell={cell} color={cColor} onHover={hover} label={`layer ${layer + 1} HNCA credit`} />
          <figcaption>credit</figcaption>
        </figure>
      </div>
    </div>
  );
}

export const LayerGrids = memo(function LayerGrids({ run, onHover }: { run: RunInspection; onHover: (hover: UnitHover | null) => void }) {
  return (
    <div className="layer-grids">
      {run.probabilities.map((_, layer) => (
        <LayerGrid key={layer} run={run} layer={layer} onHover={onHover} />
      ))}
    </div>
  );
});
