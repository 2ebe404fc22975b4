// One weight's edge: drawn by sign and size, clickable to select it, and draggable (up/down)
// to change it. A wide invisible line on top makes thin edges easy to grab.
import { useRef } from 'react';
import { divergingColor } from '../../model/palette.ts';
import { formatNumber } from '../model/format.ts';
import { draggedWeight } from '../model/lesson.ts';
import { edgeWidth } from '../model/layout.ts';
import type { ParamInfo } from '../model/names.ts';
import { useLearn } from './context.ts';

interface Props {
  p: ParamInfo;
  ends: { x1: number; y1: number; x2: number; y2: number };
  w: number;
  active: boolean;
  selected: boolean;
  id: string;
}

export function EdgeLine({ p, ends, w, active, selected, id }: Props) {
  const select = useLearn((s) => s.selectParam);
  const setWeight = useLearn((s) => s.setWeight);
  const explain = useLearn((s) => s.explain);
  const drag = useRef<{ y: number; w: number } | null>(null);
  return (
    <g>
      <line
        {...ends}
        className={`edge ${active ? 'active' : ''} ${selected ? 'selected' : ''}`}
        stroke={w === 0 ? '#9aa3ad' : divergingColor(w, 1.5)}
        strokeWidth={edgeWidth(w)}
        strokeDasharray={w === 0 ? '4 4' : undefined}
      />
      <line
        {...ends}
        className="edge-hit"
        data-edge={id}
        onPointerDown={(e) => {
          select(p.index);
          drag.current = { y: e.clientY, w };
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          if (drag.current) setWeight(p.index, draggedWeight(drag.current.w, e.clientY - drag.current.y));
        }}
        onPointerUp={(e) => {
          drag.current = null;
          e.currentTarget.releasePointerCapture(e.pointerId);
        }}
        onMouseEnter={() => explain(`Weight ${p.label} = ${formatNumber(w)}: click to edit it, or drag up/down to change it.`)}
        onMouseLeave={() => explain('')}
      />
    </g>
  );
}
