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
