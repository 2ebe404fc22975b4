// A grid of coloured cells on a canvas (unit grids, digits, weight images), with hover reporting.
import { useEffect, useRef } from 'react';

export function CellCanvas({
  cols,
  rows,
  count,
  cell,
  color,
  onHover,
  label,
  testId,
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
}) {
  const ref = useRef<HTMLCanvasElement | null>(null);
  useEffect(() => {
    const canvas = ref.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < count; i++) {
      context.fillStyle = color(i);
      context.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell, cell);
    }
  }, [cols, count, cell, color]);
  const hover = (x: number, y: number): void => {
    if (!onHover) return;
    const c = Math.floor(x / cell);
    const r = Math.floor(y / cell);
    const i = r * cols + c;
    onHover(c >= 0 && c < cols && r >= 0 && r < rows && i < count ? i : null);
  };
  return (
    <canvas
      ref={ref}
      width={cols * cell}
      height={rows * cell}
      className="cells"
      role="img"
      aria-label={label}
      data-testid={testId}
      onMouseMove={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        hover(e.clientX - box.left, e.clientY - box.top);
      }}
      onMouseLeave={() => onHover?.(null)}
    />
  );
}
