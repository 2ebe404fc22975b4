// The step-through of one update: diagram, pseudo-code with the formula, the step's numbers.
import { stepText } from '../model/formulas.ts';
import type { LessonData } from './hooks.ts';
import { useLearn } from './context.ts';
import { Editors } from './Editors.tsx';
import { NetworkDiagram } from './NetworkDiagram.tsx';
import { PseudoCode } from './PseudoCode.tsx';
import { StepDetail } from './StepDetail.tsx';
import { Transport } from './Transport.tsx';

export function StepThrough({ data }: { data: LessonData }) {
  const stepIndex = useLearn((s) => s.lesson.step);
  const weights = useLearn((s) => s.lesson.weights);
  const step = data.steps[Math.min(stepIndex, data.steps.length - 1)];
  const text = stepText(data.trace, data.sizes, weights, step);
  return (
    <div className={`step-layout ${data.sizes.length > 4 ? 'wide' : ''}`} data-step={stepIndex} data-step-kind={step.kind}>
      <div className="left">
        <Transport count={data.steps.length} />
        <div className="panel diagram">
          <NetworkDiagram data={data} stepIndex={stepIndex} />
        </div>
        <Editors data={data} />
      </div>
      <div className="right">
        <PseudoCode step={step} text={text} />
        <StepDetail data={data} step={step} />
      </div>
    </div>
  );
}
