// A number input that commits on Enter or blur, within a range; invalid text reverts.
import { useEffect, useState } from 'react';
import type { Range } from '../../playground/config.ts';

export function NumberField({
  id,
  value,
  range,
  onCommit,
  testId,
  step,
}: {
  id: string;
  value: number;
  range: Range;
  onCommit: (value: number) => void;
  testId?: string;
  step?: number;
}) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const commit = (): void => {
    const parsed = Number(text);
    const valid = text.trim() !== '' && Number.isFinite(parsed) && parsed >= range.min && parsed <= range.max && (!range.integer || Number.isInteger(parsed));
    if (valid && parsed !== value) onCommit(parsed);
    else if (!valid) setText(String(value));
  };
  return (
    <input
      id={id}
      data-testid={testId}
      type="number"
      min={range.min}
      max={range.max}
      step={step ?? (range.integer ? 1 : 'any')}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}
