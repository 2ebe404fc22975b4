// What the inside view's colours mean: the sequential scale of a probability and the diverging
// scale of a signed value (HNCA credit, weights), with their ends and signs.
import { divergingColor, probabilityColor } from '../model/palette.ts';

const STOPS = [0, 0.25, 0.5, 0.75, 1];

/** A CSS gradient through `color` at five stops of t in [0, 1]. */
function gradient(color: (t: number) => string): string {
  return `linear-gradient(to right, ${STOPS.map((t) => `${color(t)} ${t * 100}%`).join(', ')})`;
}

const PROBABILITY = gradient(probabilityColor);
const SIGNED = gradient((t) => divergingColor(2 * t - 1, 1));

/** The legends of the unit grids and weight images; `conv`: the weight images are the first convolution's filters. */
export function ColorLegends({ conv }: { conv: boolean }) {
  return (
    <div className="color-legends" data-testid="color-legends">
      <span className="color-legend" data-testid="legend-probability">
        <span>
          <b>p</b>, π(v): probability
        </span>
        <span className="legend-end">0</span>
        <span className="legend-bar" style={{ background: PROBABILITY }} aria-hidden="true" />
        <span className="legend-end">1</span>
      </span>
      <span className="color-legend" data-testid="legend-signed">
        <span>
          <b>credit</b> and <b>{conv ? 'filter weights' : 'weights'}</b>:
        </span>
        <span className="legend-end">− (orange)</span>
        <span className="legend-bar" style={{ background: SIGNED }} aria-hidden="true" />
        <span className="legend-end">+ (blue)</span>
        <span className="legend-note">white: 0; each grid scaled to its largest |value|, shown beside it</span>
      </span>
    </div>
  );
}
