// The first test digits, each with one mark per estimator: ✓ right, ✗ wrong (the action it chose).
import { memo } from 'react';
import type { BanditEstimator, RunSpec } from '../../engine/types.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';
import { estimatorLabel } from '../model/config.ts';
import type { EvaluationDetails } from '../../worker/protocol.ts';
import { DigitImage } from './DigitImage.tsx';

export const DigitVerdicts = memo(function DigitVerdicts({ evaluation, runs, rows, cols }: { evaluation: EvaluationDetails; runs: RunSpec[]; rows: number; cols: number }) {
  const pixels = rows * cols;
  return (
    <div className="digit-verdicts" data-testid="digit-verdicts">
      {Array.from({ length: evaluation.shownImages }, (_, i) => {
        const label = evaluation.labels[i];
        return (
          <div key={i} className="verdict">
            <DigitImage image={evaluation.images.subarray(i * pixels, (i + 1) * pixels)} rows={rows} cols={cols} size={40} label={`test image ${i}, label ${label}`} />
            <div className="marks">
              {runs.map((r) => {
                const action = evaluation.runs[r.index]?.actions[i];
                const right = action === label;
                return (
                  <span key={r.index} className={right ? 'right' : 'wrong'} style={{ background: ESTIMATOR_COLORS[r.estimator as BanditEstimator] }} title={`${estimatorLabel(r.estimator)}: chose ${action} (label ${label})`}>
                    {right ? '✓' : '✗'}
                  </span>
                );
              })}
            </div>
          </div>
        );
      })}
    </div>
  );
});
