// A number input that commits on Enter or blur, within a range. A value out of range is brought
// to the nearest bound (text that is no number keeps the value) and one line under the field says why.
// A text input (inputmode decimal/numeric), not type=number: a number input in a German browser
// dropped the comma of "0,001" before any check saw it (lr 1, with no message); here the typed
// text reaches checkNumberInput as typed, which reads a decimal comma or refuses it in one line.
import { useEffect, useId, useRef, useState } from 'react';
import type { Range } from '../../playground/config.ts';
import { checkNumberInput, localeDecimalSeparator, stepNumber } from '../model/numberInput.ts';

/**
 * A number field (role spinbutton) holding `value` within `range` (bounds may be ±Infinity: no
 * bound). Commits on Enter or blur through checkNumberInput (a decimal comma read, out-of-range
 * values brought to the bound, non-numbers refused, each with one line under the field); the
 * arrow keys step by `step` (default 1 for whole-number fields, none otherwise).
 */
export function NumberField({
  id,
  value,
  range,
  onCommit,
  testId,
  step,
  maxReason,
  describedBy,
  ariaLabel,
  title,
}: {
  /** the input's id (a label's htmlFor); one is made when absent */
  id?: string;
  value: number;
  range: Range;
  onCommit: (value: number) => void;
  testId?: string;
  step?: number;
  /** why the maximum is what it is, for the message when a larger value is typed */
  maxReason?: string;
  /** id of the field's explanation (its label's help), for aria-describedby */
  describedBy?: string;
  /** the accessible name where no label element names the field */
  ariaLabel?: string;
  title?: string;
}) {
  const ownId = useId();
  const fieldId = id ?? ownId;
  const [text, setText] = useState(String(value));
  const [message, setMessage] = useState<string | null>(null);
  // typed into since the last commit (a blur after Enter commits nothing and keeps the line)
  const edited = useRef(false);
  useEffect(() => {
    edited.current = false;
    setText(String(value));
  }, [value]);
  const check = (typed: string) => checkNumberInput(typed, range, value, maxReason, localeDecimalSeparator(typeof navigator === 'undefined' ? undefined : navigator.language));
  const commit = (): void => {
    if (!edited.current) return;
    edited.current = false;
    const outcome = check(text);
    setMessage(outcome.message);
    setText(String(outcome.value));
    if (outcome.value !== value) onCommit(outcome.value);
  };
  return (
    <>
      <input
        id={fieldId}
        data-testid={testId}
        type="text"
        inputMode={range.integer ? 'numeric' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        role="spinbutton"
        aria-label={ariaLabel}
        title={title}
        aria-valuenow={value}
        aria-valuemin={Number.isFinite(range.min) ? range.min : undefined}
        aria-valuemax={Number.isFinite(range.max) ? range.max : undefined}
        value={text}
        aria-describedby={[describedBy, message ? `${fieldId}-message` : undefined].filter(Boolean).join(' ') || undefined}
        onChange={(e) => {
          edited.current = true;
          setText(e.target.value);
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          // the arrow keys step as a number input's did (whole-number fields, or a given step),
          // from the typed value when there is one
          const stepBy = step ?? (range.integer ? 1 : null);
          if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && stepBy !== null) {
            e.preventDefault();
            const typed = check(text);
            const from = typed.message === null ? typed.value : value;
            const next = Math.min(range.max, Math.max(range.min, stepNumber(from, e.key === 'ArrowUp' ? stepBy : -stepBy)));
            edited.current = false;
            setMessage(null);
            setText(String(next));
            if (next !== value) onCommit(next);
          }
        }}
      />
      {message && (
        <span id={`${fieldId}-message`} className="field-message" role="status" data-testid={testId ? `${testId}-message` : undefined}>
          {message}
        </span>
      )}
    </>
  );
}
