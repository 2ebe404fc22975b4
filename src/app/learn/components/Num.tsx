// A number that explains itself: hovering (or focusing) it shows its one-sentence explanation.
import type { Shown } from '../model/shown.ts';
import { useLearn } from './context.ts';

export function Num({ n, className }: { n: Shown; className?: string }) {
  const explain = useLearn((s) => s.explain);
  const say = (): void => explain(`${n.label} = ${n.text}. ${n.explain}`);
  return (
    <span
      className={`num ${className ?? ''}`}
      tabIndex={0}
      title={n.explain}
      data-key={n.key}
      data-value={n.value}
      onMouseEnter={say}
      onFocus={say}
      onMouseLeave={() => explain('')}
      onBlur={() => explain('')}
    >
      {n.text}
    </span>
  );
}

/** The same for numbers drawn inside the SVG diagram. */
export function SvgNum({ n, x, y, label, className }: { n: Shown; x: number; y: number; label?: string; className?: string }) {
  const explain = useLearn((s) => s.explain);
  return (
    <text
      x={x}
      y={y}
      className={`svg-num ${className ?? ''}`}
      data-key={n.key}
      data-value={n.value}
      onMouseEnter={() => explain(`${n.label} = ${n.text}. ${n.explain}`)}
      onMouseLeave={() => explain('')}
    >
      <title>{n.explain}</title>
      {label ?? n.label} {n.text}
    </text>
  );
}
