// The key of a chart's reference lines (the paper's values, −∞, stopped runs): each label beside a
// short sample of its line, under the plot, so that no label is drawn under a curve. The text is
// darkened where the line's colour is too light to read on white (WCAG AA).
import { readableOnWhite } from '../model/palette.ts';

/** One reference line of a chart: its label, colour and SVG dash ('' solid); vertical for a stopped run's line. */
export interface MarkerKeyItem {
  label: string;
  color: string;
  dash: string;
  vertical?: boolean;
}

export function MarkerKey({ items, testId }: { items: readonly MarkerKeyItem[]; testId: string }) {
  return (
    <ul className="marker-key" data-testid={testId}>
      {items.map((item) => (
        <li key={item.label} style={{ color: readableOnWhite(item.color) }}>
          <svg width={item.vertical ? 10 : 28} height={12} aria-hidden="true">
            {item.vertical ? (
              <line x1={5} y1={0} x2={5} y2={12} stroke={item.color} strokeWidth={2} />
            ) : (
              <line x1={0} y1={6} x2={28} y2={6} stroke={item.color} strokeWidth={2} strokeDasharray={item.dash || undefined} />
            )}
          </svg>
          <span>{item.label}</span>
        </li>
      ))}
    </ul>
  );
}
