// What a typed number becomes, and why: a value out of range is brought to the nearest bound,
// a non-whole number for an integer field is rounded, text that is no number keeps the value,
// each with one line saying so (nothing is silently reverted). A decimal comma (0,001 as typed in
// a German browser) is read as the decimal point it is; a comma that could be a thousands
// separator is refused with a message, never dropped (1,5 never becomes 15).
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
 * @param decimalSeparator the browser language's decimal separator (see localeDecimalSeparator): with '.', a comma
 *   followed by exactly three digits ("1,000") is ambiguous and refused; with ',', it is a decimal comma
 */
export function checkNumberInput(text: string, range: Range, current: number, maxReason?: string, decimalSeparator: '.' | ',' = '.'): NumberInputOutcome {
  const trimmed = text.trim();
  const comma = parseDecimalComma(trimmed, decimalSeparator);
  if (comma === 'ambiguous') {
    const digits = trimmed.replace(',', '');
    return { value: current, message: `“${trimmed}” could be ${digits} (a thousands separator) or ${trimmed.replace(',', '.')} (a decimal comma): kept ${current}; type it without the comma.` };
  }
  const parsed = comma ?? Number(trimmed);
  if (trimmed === '' || !Number.isFinite(parsed)) return { value: current, message: `“${text}” is not a number: kept ${current}.` };
  if (parsed > range.max) return { value: range.max, message: `${trimmed} is more than the largest allowed, ${range.max}${maxReason ? ` (${maxReason})` : ''}: set to ${range.max}.` };
  if (parsed < range.min) return { value: range.min, message: `${trimmed} is less than the smallest allowed, ${range.min}: set to ${range.min}.` };
  if (range.integer && !Number.isInteger(parsed)) {
    const rounded = Math.min(range.max, Math.max(range.min, Math.round(parsed)));
    return { value: rounded, message: `${trimmed} is not a whole number: set to ${rounded}.` };
  }
  return { value: parsed === 0 ? 0 : parsed, message: null };
}

/**
 * The number of `text` written with one decimal comma and no point ("0,001", "-1,5", "2,5e-3"),
 * null when it has none (other text is left to Number), 'ambiguous' when the comma could be a
 * thousands separator: 1 to 3 digits (not 0) before it and exactly three after it, in a language
 * whose decimal separator is '.'.
 */
export function parseDecimalComma(text: string, decimalSeparator: '.' | ','): number | null | 'ambiguous' {
  const match = /^([+-]?\d*),(\d+)([eE][+-]?\d+)?$/.exec(text);
  if (!match) return null;
  if (decimalSeparator === '.' && match[2].length === 3 && /^[1-9]\d{0,2}$/.test(match[1].replace(/^[+-]/, '')) && match[3] === undefined) return 'ambiguous';
  return Number(`${match[1]}.${match[2]}${match[3] ?? ''}`);
}

/** The decimal separator of `language` (a BCP 47 tag such as "de-DE"; "." when it cannot be told). */
export function localeDecimalSeparator(language: string | undefined): '.' | ',' {
  try {
    return new Intl.NumberFormat(language).format(1.5).includes(',') ? ',' : '.';
  } catch {
    return '.';
  }
}

/**
 * `value + by` without binary rounding noise (0.2 + 0.1 gives 0.3, not 0.30000000000000004):
 * rounded to the larger count of decimals of the two (at most 12).
 */
export function stepNumber(value: number, by: number): number {
  const decimals = (x: number): number => {
    const [mantissa, exponent] = x.toExponential().split('e');
    const fraction = mantissa.split('.')[1]?.length ?? 0;
    return Math.max(0, fraction - Number(exponent));
  };
  const places = Math.min(12, Math.max(decimals(value), decimals(by)));
  const sum = Number((value + by).toFixed(places));
  return sum === 0 ? 0 : sum;
}
