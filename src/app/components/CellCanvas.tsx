// A grid of coloured cells (unit grids, digits, weight images), with hover reporting. Drawn on
// a detached canvas and shown as an <img>: a live <canvas> is a compositor layer of its own,
// and dozens of them made every frame's commit block the page while training.
import { useMemo } from 'react';

function renderCells(cols: number, rows: number, count: number, cell: number, color: (index: number) => string): string {
  const canvas = document.createElement('canvas');
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const context = canvas.getContext('2d');
  if (!context) return '';
  for (let i = 0; i < count; i++) {
    context.fillStyle = color(i);
    context.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell, cell);
  }
  return canvas.toDataURL('image/png');
}

/** A rectangle of cells outlined over the grid (the hovered unit): its first column and row, and its size in cells (the image's 1 px border is allowed for). */
export interface CellOutline {
  col: number;
  row: number;
  cols: number;
  rows: number;
}

export function CellCanvas({
  cols,
  rows,
  count,
  cell,
  color,
  onHover,
  label,
  testId,
  outline,
}: {
  cols: number;
  rows: number;
  /** cells drawn (the last row may be partial) */
  count: number;
  cell: number;
  color: (index: number) => string;
  onHover?: (index: number | null) => void;
  label: string;
  testId?: string;
  /** cells to outline (the hovered unit), none when absent */
  outline?: CellOutline | null;
}) {
  const source = useMemo(() => renderCells(cols, rows, count, cell, color), [cols, rows, count, cell, color]);
  const hover = (x: number, y: number): void => {
    if (!onHover) return;
    const c = Math.floor(x / cell);
    const r = Math.floor(y / cell);
    const i = r * cols + c;
    onHover(c >= 0 && c < cols && r >= 0 && r < rows && i < count ? i : null);
  };
  const image = (
    <img
      src={source}
      width={cols * cell}
      height={rows * cell}
      className="cells"
      alt={label}
      data-testid={testId}
      draggable={false}
      onMouseMove={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        hover(e.clientX - box.left, e.clientY - box.top);
      }}
      onMouseLeave={() => onHover?.(null)}
    />
  );
  if (outline === undefined) return image;
  return (
    <span className="cells-frame">
      {image}
      {outline && (
        <span
          className="cell-outline"
          data-testid="unit-outline"
          style={{ left: 1 + outline.col * cell, top: 1 + outline.row * cell, width: outline.cols * cell, height: outline.rows * cell }}
        />
      )}
    </span>
  );
}
