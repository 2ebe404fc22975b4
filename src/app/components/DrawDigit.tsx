// Draw a digit and see each network's answer (engine.inspect on the rasterized drawing).
import { useRef, type PointerEvent } from 'react';
import type { BanditEstimator, RunSpec } from '../../engine/types.ts';
import { rasterizeDrawing } from '../model/drawnDigit.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { ActionBars } from './ActionBars.tsx';
import { DigitImage } from './DigitImage.tsx';

const SIZE = 196;

export function DrawDigit({ rows, cols, runs }: { rows: number; cols: number; runs: RunSpec[] }) {
  const controller = useController();
  const drawn = usePlayground((s) => s.drawnInspection);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const drawing = useRef(false);
  const context = (): CanvasRenderingContext2D | null => canvas.current?.getContext('2d', { willReadFrequently: true }) ?? null;
  const point = (e: PointerEvent<HTMLCanvasElement>): [number, number] => {
    const box = e.currentTarget.getBoundingClientRect();
    return [e.clientX - box.left, e.clientY - box.top];
  };
  const classify = (): void => {
    const ctx = context();
    if (!ctx) return;
    const image = ctx.getImageData(0, 0, SIZE, SIZE);
    controller.inspectDrawn(rasterizeDrawing({ width: SIZE, height: SIZE, data: image.data }, rows, cols));
  };
  return (
    <div className="draw-digit" data-testid="draw-digit">
      <h3>Draw a {rows === 28 ? 'digit' : 'pattern'}</h3>
      <div className="draw-row">
        <canvas
          ref={canvas}
          width={SIZE}
          height={SIZE}
          className="draw-canvas"
          data-testid="draw-canvas"
          onPointerDown={(e) => {
            const ctx = context();
            if (!ctx) return;
            drawing.current = true;
            e.currentTarget.setPointerCapture(e.pointerId);
            ctx.lineWidth = rows === 28 ? 16 : 40;
            ctx.lineCap = 'round';
            ctx.lineJoin = 'round';
            ctx.strokeStyle = '#000';
            ctx.beginPath();
            ctx.moveTo(...point(e));
          }}
          onPointerMove={(e) => {
            const ctx = context();
            if (!drawing.current || !ctx) return;
            ctx.lineTo(...point(e));
            ctx.stroke();
          }}
          onPointerUp={() => {
            drawing.current = false;
            classify();
          }}
        />
        <div className="draw-buttons">
          <button type="button" onClick={() => context()?.clearRect(0, 0, SIZE, SIZE)}>
            Clear
          </button>
          <button type="button" data-testid="classify-drawing" onClick={classify}>
            Ask the networks
          </button>
          {drawn && <DigitImage image={drawn.image} rows={rows} cols={cols} size={84} label="what the networks see" />}
        </div>
        <div className="draw-answers">
          {drawn?.runs.map((r) => {
            const spec = runs.find((s) => s.index === r.run);
            return spec ? <ActionBars key={r.run} estimator={spec.estimator as BanditEstimator} probabilities={r.actionProbabilities} label={null} /> : null;
          })}
        </div>
      </div>
    </div>
  );
}
