// A number input that commits on Enter or blur, within a range. A value out of range is brought
// to the nearest bound (text that is no number keeps the value) and one line under the field says why.
import { useEffect, useState } from 'react';
import type { Range } from '../../playground/config.ts';
import { checkNumberInput } from '../model/numberInput.ts';

export function NumberField({
  id,
  value,
  range,
  onCommit,
  testId,
  step,
  maxReason,
  describedBy,
}: {
  id: string;
  value: number;
  range: Range;
  onCommit: (value: number) => void;
  testId?: string;
  step?: number;
  /** why the maximum is what it is, for the message when a larger value is typed */
  maxReason?: string;
  /** id of the field's explanation (its label's help), for aria-describedby */
  describedBy?: string;
}) {
  const [text, setText] = useState(String(value));
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => setText(String(value)), [value]);
  const commit = (): void => {
    const outcome = checkNumberInput(text, range, value, maxReason);
    setMessage(outcome.message);
    setText(String(outcome.value));
    if (outcome.value !== value) onCommit(outcome.value);
  };
  return (
    <>
      <input
        id={id}
        data-testid={testId}
        type="number"
        min={range.min}
        max={range.max}
        step={step ?? (range.integer ? 1 : 'any')}
        value={text}
        aria-describedby={[describedBy, message ? `${id}-message` : undefined].filter(Boolean).join(' ') || undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      {message && (
        <span id={`${id}-message`} className="field-message" role="status" data-testid={testId ? `${testId}-message` : undefined}>
          {message}
        </span>
      )}
    </>
  );
}
