// Rows: true label; columns: the action chosen; cell shade: the fraction of that row.
import type { BanditEstimator } from '../../engine/types.ts';
import type { EvaluationSummary } from '../model/evaluationSummary.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';

export function ConfusionMatrix({ summary, estimator }: { summary: EvaluationSummary; estimator: BanditEstimator }) {
  const color = ESTIMATOR_COLORS[estimator];
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <thead>
        <tr>
          <th title="true label ↓, action →">label \ action</th>
          {summary.confusion.map((_, c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {summary.confusion.map((row, label) => {
          const total = row.reduce((s, v) => s + v, 0) || 1;
          return (
            <tr key={label}>
              <th>{label}</th>
              {row.map((count, action) => (
                <td key={action} title={`label ${label}, action ${action}: ${count} (${((100 * count) / total).toFixed(1)}%)`} style={{ background: `color-mix(in srgb, ${color} ${Math.round((100 * count) / total)}%, white)` }}>
                  {count}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
