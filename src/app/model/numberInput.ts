// What a typed number becomes, and why: a value out of range is brought to the nearest bound,
// a non-whole number for an integer field is rounded, text that is no number keeps the value,
// each with one line saying so (nothing is silently reverted).
import type { Range } from '../../playground/config.ts';

export interface NumberInputOutcome {
  /** the value to use (the current one when the text is no number) */
  value: number;
  /** why the typed text was not used as typed; null when it was */
  message: string | null;
}

/**
 * The value a number field takes for typed `text`.
 *
 * @param range inclusive bounds (and whether whole numbers only)
 * @param current the field's value before the edit, kept when `text` is not a number
 * @param maxReason why the maximum is what it is (e.g. "the patterns task has 400 test images"), added to the message
 */
export function checkNumberInput(text: string, range: Range, current: number, maxReason?: string): NumberInputOutcome {
  const trimmed = text.trim();
  const parsed = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(parsed)) return { value: current, message: `“${text}” is not a number: kept ${current}.` };
  if (parsed > range.max) return { value: range.max, message: `${trimmed} is more than the largest allowed, ${range.max}${maxReason ? ` (${maxReason})` : ''}: set to ${range.max}.` };
  if (parsed < range.min) return { value: range.min, message: `${trimmed} is less than the smallest allowed, ${range.min}: set to ${range.min}.` };
  if (range.integer && !Number.isInteger(parsed)) {
    const rounded = Math.min(range.max, Math.max(range.min, Math.round(parsed)));
    return { value: rounded, message: `${trimmed} is not a whole number: set to ${rounded}.` };
  }
  return { value: parsed === 0 ? 0 : parsed, message: null };
}
