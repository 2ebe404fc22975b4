// The current step's numbers as tables (per child for messages, HNCA beside REINFORCE for
// gradients); every number explains itself on hover.
import { creditNumbers, deltaNumber, gradientMatrix, messageRows, softmaxMessage, stepNumbers } from '../model/shown.ts';
import type { Step } from '../model/steps.ts';
import type { LessonData } from './hooks.ts';
import { Num } from './Num.tsx';
import type { Shown } from '../model/shown.ts';

function Chips({ numbers }: { numbers: Shown[] }) {
  return (
    <dl className="chips">
      {numbers.map((n) => (
        <div key={n.key} className="chip">
          <dt>{n.label}</dt>
          <dd>
            <Num n={n} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function StepDetail({ data, step }: { data: LessonData; step: Step }) {
  const { trace, sizes } = data;
  if (step.kind === 'messages') {
    const rows = messageRows(trace, sizes, step.layer, step.unit);
    return (
      <div className="panel detail">
        <Chips numbers={[deltaNumber(trace, sizes, step.layer, step.unit), ...softmaxMessage(trace, sizes, step.layer, step.unit)]} />
        <table className="numbers">
          <thead>
            <tr>
              <th>child</th>
              {rows[0].cells.map((c) => (
                <th key={c.label}>{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.child}>
                <th>{r.child}</th>
                {r.cells.map((c) => (
                  <td key={c.key}>
                    <Num n={c} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  if (step.kind === 'gradients') {
    const m = gradientMatrix(trace, sizes, step.k);
    return (
      <div className="panel detail">
        <p className="legend">
          Each cell: <span className="hnca">HNCA</span> / <span className="reinforce">REINFORCE</span> estimate of ∂E[r]/∂w for the weight from the row to the column.
        </p>
        <table className="numbers gradients">
          <thead>
            <tr>
              <th>from \ to</th>
              {m.units.map((u) => (
                <th key={u}>{u}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {m.rows.map((r) => (
              <tr key={r.source}>
                <th>{r.source}</th>
                {r.cells.map((c) => (
                  <td key={c.label}>
                    <Num n={c.hnca} className="hnca" /> / <Num n={c.reinforce} className="reinforce" />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  const numbers = step.kind === 'credit' ? creditNumbers(trace, sizes, step.layer, step.unit) : stepNumbers(trace, sizes, step);
  return (
    <div className="panel detail">
      <Chips numbers={numbers} />
    </div>
  );
}
