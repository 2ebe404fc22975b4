// Step buttons (also ← / → keys): back, next, first, last, and where we are.
import { useEffect } from 'react';
import { useLearn } from './context.ts';

/** `step`/`onStep` let another lesson (the VAE's, with its own store) drive the same controls. */
export function Transport({ count, step: ownStep, onStep }: { count: number; step?: number; onStep?: (step: number) => void }) {
  const banditStep = useLearn((s) => s.lesson.step);
  const banditSetStep = useLearn((s) => s.setStep);
  const step = ownStep ?? banditStep;
  const setStep = onStep ?? banditSetStep;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      if (e.key === 'ArrowRight') setStep(step + 1);
      if (e.key === 'ArrowLeft') setStep(step - 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step, setStep]);
  return (
    <div className="transport">
      <button onClick={() => setStep(0)} disabled={step === 0} title="Back to the input">
        « Start
      </button>
      <button onClick={() => setStep(step - 1)} disabled={step === 0} data-testid="back" title="Previous step (←)">
        ◀ Back
      </button>
      <button className="primary" onClick={() => setStep(step + 1)} disabled={step >= count - 1} data-testid="next" title="Next step (→)">
        Next ▶
      </button>
      <button onClick={() => setStep(count - 1)} disabled={step >= count - 1} title="Jump to the gradients">
        End »
      </button>
      <input type="range" min={0} max={count - 1} value={step} onChange={(e) => setStep(Number(e.target.value))} aria-label="step" />
      <span className="step-count" data-testid="step-count">
        step {step + 1} / {count}
      </span>
    </div>
  );
}
