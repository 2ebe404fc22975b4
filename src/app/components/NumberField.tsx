// A number input that commits on Enter or blur, within a range. A value out of range is brought
// to the nearest bound (text that is no number keeps the value) and one line under the field says why.
// A text input (inputmode decimal/numeric), not type=number: a number input in a German browser
// dropped the comma of "0,001" before any check saw it (lr 1, with no message); here the typed
// text reaches checkNumberInput as typed, which reads a decimal comma or refuses it in one line.
import { useEffect, useState } from 'react';
import type { Range } from '../../playground/config.ts';
import { checkNumberInput, localeDecimalSeparator } from '../model/numberInput.ts';

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
    const outcome = checkNumberInput(text, range, value, maxReason, localeDecimalSeparator(typeof navigator === 'undefined' ? undefined : navigator.language));
    setMessage(outcome.message);
    setText(String(outcome.value));
    if (outcome.value !== value) onCommit(outcome.value);
  };
  return (
    <>
      <input
        id={id}
        data-testid={testId}
        type="text"
        inputMode={range.integer ? 'numeric' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        role="spinbutton"
        aria-valuenow={value}
        aria-valuemin={range.min}
        aria-valuemax={range.max}
        value={text}
        aria-describedby={[describedBy, message ? `${id}-message` : undefined].filter(Boolean).join(' ') || undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          // the arrow keys step as a number input's did (whole-number fields, or a given step)
          const stepBy = step ?? (range.integer ? 1 : null);
          if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && stepBy !== null) {
            e.preventDefault();
            const next = Math.min(range.max, Math.max(range.min, value + (e.key === 'ArrowUp' ? stepBy : -stepBy)));
            setMessage(null);
            setText(String(next));
            if (next !== value) onCommit(next);
          }
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
