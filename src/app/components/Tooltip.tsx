// A control's label with an explanation on hover (a CSS tooltip, and title for assistive tech).
import { useId, type ReactNode } from 'react';
import { withMathLinks } from './MathLink.tsx';

export function Labelled({
  label,
  tooltip,
  children,
  testId,
}: {
  label: string;
  tooltip: string;
  /** receives the id to put on the input */
  children: (id: string) => ReactNode;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="control" data-testid={testId}>
      <label htmlFor={id} title={tooltip}>
        {label}
        <span className="hint" aria-hidden="true">
          ?
        </span>
        <span className="tooltip" role="tooltip">
          {withMathLinks(tooltip)}
        </span>
      </label>
      {children(id)}
    </div>
  );
}
