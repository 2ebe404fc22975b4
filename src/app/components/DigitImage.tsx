// An image of intensities 0..255 (a digit) drawn dark on light.
import { useCallback } from 'react';
import { CellCanvas } from './CellCanvas.tsx';

export function DigitImage({ image, rows, cols, size, label, testId }: { image: Uint8Array; rows: number; cols: number; size: number; label: string; testId?: string }) {
  const color = useCallback((i: number) => {
    const v = 255 - image[i];
    return `rgb(${v},${v},${v})`;
  }, [image]);
  return <CellCanvas cols={cols} rows={rows} count={rows * cols} cell={Math.max(1, Math.floor(size / cols))} color={color} label={label} testId={testId} />;
}
