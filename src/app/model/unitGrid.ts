// Layout and pixels of unit grids (a layer's units as a near-square grid) and weight images.

export interface GridShape {
  cols: number;
  rows: number;
}

export function gridShape(units: number): GridShape {
  const cols = Math.max(1, Math.ceil(Math.sqrt(units)));
  return { cols, rows: Math.max(1, Math.ceil(units / cols)) };
}

/** The unit under a point of a grid drawn `cell` pixels per unit, or -1. */
export function unitAt(shape: GridShape, units: number, x: number, y: number, cell: number): number {
  const c = Math.floor(x / cell);
  const r = Math.floor(y / cell);
  if (c < 0 || r < 0 || c >= shape.cols || r >= shape.rows) return -1;
  const i = r * shape.cols + c;
  return i < units ? i : -1;
}

/** Largest absolute finite value (for symmetric colour scales); 0 for none. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (Number.isFinite(v) && v > m) m = v;
  }
  return m;
}

/** Index of the largest value (the network's most probable action). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Columns of the canvas of a categorical layer: per unit column of the grid N value cells, and one empty spacer cell between units. */
export function categoricalColumns(shape: GridShape, n: number): number {
  return shape.cols * (n + 1) - 1;
}

/**
 * Layout of a layer of categorical units (docs/math.md §7.1) of N values: the units in the
 * near-square grid of gridShape(units), each drawn as a strip of N cells (one per value)
 * followed by an empty spacer cell, so the canvas has categoricalColumns(shape, n) columns.
 * Cell `index` (row-major over that canvas) → its unit and value, or null for a spacer or a
 * cell past the last unit.
 */
export function categoricalCell(shape: GridShape, n: number, units: number, index: number): { unit: number; value: number } | null {
  const cols = categoricalColumns(shape, n);
  const r = Math.floor(index / cols);
  const c = index % cols;
  const value = c % (n + 1);
  const unit = r * shape.cols + Math.floor(c / (n + 1));
  return value < n && unit < units ? { unit, value } : null;
}

/**
 * HNCA's credit per value of categorical units (docs/math.md §7.1): π_i(v)(ρ_i(v) − 1) =
 * posterior − π, the per-logit signal S_iv divided by R. probabilities, posterior [units · N].
 */
export function creditPerValue(probabilities: ArrayLike<number>, posterior: ArrayLike<number>): Float32Array {
  const out = new Float32Array(probabilities.length);
  for (let e = 0; e < out.length; e++) out[e] = posterior[e] - probabilities[e];
  return out;
}
