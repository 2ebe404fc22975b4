// Evaluation on the test set: test digits marked right or wrong per estimator, per-class
// accuracy, a confusion matrix, and a canvas to draw your own digit.
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BanditEstimator } from '../../engine/types.ts';
import { estimatorLabel } from '../model/config.ts';
import { summarizeActions } from '../model/evaluationSummary.ts';
import { formatNumber } from '../model/format.ts';
import { estimatorTextColor } from '../model/palette.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { ConfusionMatrix } from './ConfusionMatrix.tsx';
import { DigitVerdicts } from './DigitVerdicts.tsx';
import { DrawDigit } from './DrawDigit.tsx';

export function EvaluationPanel() {
  const controller = useController();
  const { engine, evaluation, evaluating, failure } = usePlayground(
    useShallow((s) => ({ engine: s.engine, evaluation: s.evaluation, evaluating: s.pendingViews.evaluate > 0, failure: s.viewFailures.evaluate })),
  );
  const [chosen, setChosen] = useState(0);
  const firstSeedRuns = useMemo(() => (engine ? engine.runs.filter((r) => r.seed === engine.runs[0]?.seed) : []), [engine]);
  const summaries = useMemo(
    () =>
      evaluation && engine
        ? firstSeedRuns.map((r) => ({ run: r, summary: summarizeActions(evaluation.labels, evaluation.runs[r.index]?.actions ?? new Uint8Array(0), engine.classes) }))
        : [],
    [evaluation, engine, firstSeedRuns],
  );
  if (!engine || engine.task === 'vae') return null; // the VAE's test bound is in its charts; the bandits (the conv task too) are evaluated here
  const shown = summaries[Math.min(chosen, summaries.length - 1)];
  return (
    <div className="panel evaluation" data-testid="evaluation">
      <h2>Evaluation</h2>
      <button type="button" data-testid="evaluate" onClick={controller.evaluate} title="Run every network on the test images (stochastic forward pass) and collect its actions">
        Evaluate on the {engine.testCount} test images
      </button>
      {evaluating && (
        <span className="muted" role="status" data-testid="evaluate-pending">
          {' '}
          evaluating…
        </span>
      )}
      {!evaluating && failure && (
        <p className="error-line" role="status" data-testid="evaluate-failure">
          {failure}
        </p>
      )}
      {evaluation && <span className="muted"> at update {evaluation.update}; networks of seed {firstSeedRuns[0]?.seed}</span>}
      {evaluation && summaries.length > 0 && (
        <>
          <table className="per-class" data-testid="per-class">
            <thead>
              <tr>
                <th>estimator</th>
                <th>all</th>
                {Array.from({ length: engine.classes }, (_, c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {summaries.map(({ run, summary }) => (
                <tr key={run.index}>
                  <td style={{ color: estimatorTextColor(run.estimator) }}>{estimatorLabel(run.estimator)}</td>
                  <td data-testid={`eval-accuracy-${run.estimator}`}>{formatNumber(summary.accuracy, 3)}</td>
                  {summary.perClassAccuracy.map((a, c) => (
                    <td key={c} style={{ background: `rgba(0,114,178,${Number.isFinite(a) ? a * 0.5 : 0})` }}>
                      {formatNumber(a, 2)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <DigitVerdicts evaluation={evaluation} runs={firstSeedRuns} rows={engine.rows} cols={engine.cols} />
          <div className="confusion-picker">
            Confusion matrix of{' '}
            <select value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
              {summaries.map(({ run }, i) => (
                <option key={run.index} value={i}>
                  {estimatorLabel(run.estimator)}
                </option>
              ))}
            </select>
          </div>
          {shown && <ConfusionMatrix summary={shown.summary} estimator={shown.run.estimator as BanditEstimator} />}
        </>
      )}
      <DrawDigit rows={engine.rows} cols={engine.cols} runs={firstSeedRuns} />
    </div>
  );
}
