// One network's action probabilities as bars; the label (when known) is outlined.
import { ESTIMATOR_COLORS, estimatorTextColor } from '../model/palette.ts';
import { estimatorLabel } from '../model/config.ts';
import { argmax } from '../model/unitGrid.ts';
import type { BanditEstimator } from '../../engine/types.ts';

export function ActionBars({ estimator, probabilities, label }: { estimator: BanditEstimator; probabilities: Float32Array; label: number | null }) {
  const best = argmax(probabilities);
  return (
    <div className="action-bars" data-testid={`actions-${estimator}`}>
      <div className="action-title" style={{ color: estimatorTextColor(estimator) }}>
        {estimatorLabel(estimator)}: answers <b data-testid={`answer-${estimator}`}>{best}</b>
        {label !== null && (best === label ? ' ✓' : ' ✗')}
      </div>
      <div className="bars">
        {Array.from(probabilities, (p, a) => (
          <div key={a} className={`bar${a === label ? ' label' : ''}`} title={`action ${a}: π = ${p.toFixed(4)}`}>
            <div className="fill" style={{ height: `${Math.max(1, p * 100)}%`, background: ESTIMATOR_COLORS[estimator] }} />
            <span>{a}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
