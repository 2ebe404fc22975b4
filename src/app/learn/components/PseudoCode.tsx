// Algorithm 1 as pseudo-code with the current step's lines highlighted, and the step's formula
// and worked instance rendered with KaTeX.
import { PSEUDO_CODE, stepLines, type Step } from '../model/steps.ts';
import type { StepText } from '../model/formulas.ts';
import { Tex } from './Tex.tsx';

export function PseudoCode({ step, text }: { step: Step; text: StepText }) {
  const lines = stepLines(step);
  return (
    <div className="panel pseudo">
      <h2 data-testid="step-title">{text.title}</h2>
      <p className="plain" data-testid="step-plain">
        {text.plain}
      </p>
      <ol className="code">
        {PSEUDO_CODE.map((line, k) => (
          <li key={k} className={lines.includes(k) ? 'current' : ''}>
            <code>{line}</code>
          </li>
        ))}
      </ol>
      <div className="formula">
        <Tex tex={text.formula} display />
      </div>
      <div className="instance">
        <Tex tex={text.instance} display />
      </div>
    </div>
  );
}
