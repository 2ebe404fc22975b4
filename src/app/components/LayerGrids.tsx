// One run's hidden layers: units as grids coloured by firing probability and by HNCA credit;
// categorical units (docs/math.md §7.1) as strips of N cells, one per value: π_i(v) and the
// credit per value π_i(v)(ρ_i(v) − 1). The credit grids only for an estimator that uses HNCA's
// credit (REINFORCE never does); the hovered unit outlined in every grid of its layer.
import { memo, useCallback, useMemo } from 'react';
import { divergingColor, probabilityColor } from '../model/palette.ts';
import { categoricalCell, categoricalColumns, creditPerValue, gridShape, maxAbs } from '../model/unitGrid.ts';
import type { RunInspection } from '../../worker/protocol.ts';
import { CellCanvas, type CellOutline } from './CellCanvas.tsx';

/** A categorical unit under the pointer: its N probabilities, posterior and credit, and the value hovered. */
export interface CategoricalHover {
  value: number;
  probabilities: number[];
  posterior: number[];
  /** π(v)(ρ(v) − 1) per value */
  credit: number[];
  /** the sampled value φ */
  sampled: number;
}

export interface UnitHover {
  run: number;
  layer: number;
  unit: number;
  probability: number;
  credit: number;
  sample: number;
  /** present for categorical units */
  categorical?: CategoricalHover;
}

/** What a layer's grids need: the run, the layer, hover reporting, whether to draw the credit, and the unit hovered in this layer (or null). */
interface LayerGridProps {
  run: RunInspection;
  layer: number;
  onHover: (hover: UnitHover | null) => void;
  showCredit: boolean;
  hoveredUnit: number | null;
}

function LayerGrid({ run, layer, onHover, showCredit, hoveredUnit }: LayerGridProps) {
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
  const outline: CellOutline | null = hoveredUnit === null ? null : { col: hoveredUnit % shape.cols, row: Math.floor(hoveredUnit / shape.cols), cols: 1, rows: 1 };
  return (
    <div className="layer-grid">
      <div className="grid-caption">layer {layer + 1}</div>
      <div className="grid-pair">
        <figure title="Firing probability p of each unit (dark: 0, yellow: 1)">
          <CellCanvas cols={shape.cols} rows={shape.rows} count={units} cell={cell} color={pColor} onHover={hover} label={`layer ${layer + 1} firing probabilities`} testId="probability-grid" outline={outline} />
          <figcaption>p</figcaption>
        </figure>
        {showCredit && (
          <figure title={`HNCA credit ρ(1) − ρ(0) of each unit (blue: positive, orange: negative; scale ±${scale.toPrecision(2)})`}>
            <CellCanvas cols={shape.cols} rows={shape.rows} count={units} cell={cell} color={cColor} onHover={hover} label={`layer ${layer + 1} HNCA credit`} testId="credit-grid" outline={outline} />
            <figcaption>credit (±{scale.toPrecision(2)})</figcaption>
          </figure>
        )}
      </div>
    </div>
  );
}

const EMPTY_CELL = 'transparent';

/** A layer of categorical units: per unit a strip of N cells, π(v) and the credit per value π(v)(ρ(v) − 1). */
function CategoricalLayerGrid({ run, layer, onHover, showCredit, hoveredUnit }: LayerGridProps) {
  const n = run.categories;
  const probabilities = run.probabilities[layer];
  const posterior = run.credit[layer];
  const samples = run.samples[layer];
  const units = probabilities.length / n;
  const shape = useMemo(() => gridShape(units), [units]);
  const cols = categoricalColumns(shape, n);
  const cell = Math.max(3, Math.min(12, Math.floor(180 / cols)));
  const credit = useMemo(() => creditPerValue(probabilities, posterior), [probabilities, posterior]);
  const scale = maxAbs(credit);
  const at = useCallback((i: number) => categoricalCell(shape, n, units, i), [shape, n, units]);
  const pColor = useCallback((i: number) => {
    const c = at(i);
    return c ? probabilityColor(probabilities[c.unit * n + c.value]) : EMPTY_CELL;
  }, [at, probabilities, n]);
  const cColor = useCallback((i: number) => {
    const c = at(i);
    return c ? divergingColor(credit[c.unit * n + c.value], scale) : EMPTY_CELL;
  }, [at, credit, scale, n]);
  const hover = (i: number | null): void => {
    const c = i === null ? null : at(i);
    // a spacer keeps the details of the unit last hovered
    if (!c) {
      if (i === null) onHover(null);
      return;
    }
    const base = c.unit * n;
    const values = Array.from({ length: n }, (_, v) => base + v);
    const sampled = Math.max(0, values.findIndex((e) => samples[e] === 1));
    onHover({
      run: run.run,
      layer,
      unit: c.unit,
      probability: probabilities[base + c.value],
      credit: credit[base + c.value],
      sample: sampled,
      categorical: { value: c.value, probabilities: values.map((e) => probabilities[e]), posterior: values.map((e) => posterior[e]), credit: values.map((e) => credit[e]), sampled },
    });
  };
  // the hovered unit's strip of N cells
  const outline: CellOutline | null = hoveredUnit === null ? null : { col: (hoveredUnit % shape.cols) * (n + 1), row: Math.floor(hoveredUnit / shape.cols), cols: n, rows: 1 };
  return (
    <div className="layer-grid">
      <div className="grid-caption">
        layer {layer + 1} ({units} units × {n} values)
      </div>
      <div className="grid-pair">
        <figure title={`Probability π(v) of each value v of each unit: a strip of ${n} cells per unit (dark: 0, yellow: 1)`}>
          <CellCanvas cols={cols} rows={shape.rows} count={cols * shape.rows} cell={cell} color={pColor} onHover={hover} label={`layer ${layer + 1} value probabilities`} testId="probability-grid" outline={outline} />
          <figcaption>π(v)</figcaption>
        </figure>
        {showCredit && (
          <figure title={`HNCA credit per value π(v)(ρ(v) − 1) = posterior − π (blue: positive, orange: negative; scale ±${scale.toPrecision(2)})`}>
            <CellCanvas cols={cols} rows={shape.rows} count={cols * shape.rows} cell={cell} color={cColor} onHover={hover} label={`layer ${layer + 1} HNCA credit per value`} testId="credit-per-value-grid" outline={outline} />
            <figcaption>credit π(ρ − 1) (±{scale.toPrecision(2)})</figcaption>
          </figure>
        )}
      </div>
    </div>
  );
}

/**
 * `showCredit`: draw the HNCA credit grids (only for an estimator whose signal is HNCA's credit);
 * `hovered`: the unit under the pointer, outlined where it is in this run.
 */
export const LayerGrids = memo(function LayerGrids({ run, onHover, showCredit, hovered }: { run: RunInspection; onHover: (hover: UnitHover | null) => void; showCredit: boolean; hovered: UnitHover | null }) {
  return (
    <div className="layer-grids">
      {run.probabilities.map((_, layer) => {
        const props: LayerGridProps = { run, layer, onHover, showCredit, hoveredUnit: hovered && hovered.run === run.run && hovered.layer === layer ? hovered.unit : null };
        return run.categories > 0 ? <CategoricalLayerGrid key={layer} {...props} /> : <LayerGrid key={layer} {...props} />;
      })}
    </div>
  );
});
