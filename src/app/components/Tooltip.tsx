// A control's label with its explanation: shown on hover and while the control has keyboard focus,
// and given to screen readers as the control's description (aria-describedby).
import { useId, type ReactNode } from 'react';
import type { ControlName } from '../../playground/config.ts';
import { withMathLinks } from './MathLink.tsx';

export function Labelled({
  label,
  tooltip,
  children,
  testId,
  group,
  stacked,
  after,
}: {
  label: string;
  tooltip: string;
  /** receives the id to put on the input, and the id of the explanation for its aria-describedby */
  children: (id: string, describedBy: string) => ReactNode;
  testId?: string;
  /** the `hide=` name of this control (data-group, for the tests and classroom links) */
  group?: ControlName;
  /** label above the control, the control full width (a long select) */
  stacked?: boolean;
  /** shown under the control (a line that belongs to it) */
  after?: ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div className={stacked ? 'control stacked' : 'control'} data-testid={testId} data-group={group}>
      <label htmlFor={id}>
        {label}
        <span className="hint" aria-hidden="true">
          ?
        </span>
        <span className="tooltip" role="tooltip" id={helpId}>
          {withMathLinks(tooltip)}
        </span>
      </label>
      {children(id, helpId)}
      {after}
    </div>
  );
}
