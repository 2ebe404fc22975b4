import { describe, expect, it } from 'vitest';
import { RANGES } from '../../playground/config.ts';
import { checkNumberInput, localeDecimalSeparator, stepNumber } from './numberInput.ts';

describe('a typed number out of range says why it was changed', () => {
  it('brings lr 5 and lr 1e-7 to the nearest bound, saying so', () => {
    expect(checkNumberInput('5', RANGES.lr, 0.01)).toEqual({ value: 1, message: '5 is more than the largest allowed, 1: set to 1.' });
    expect(checkNumberInput('1e-7', RANGES.lr, 0.01)).toEqual({ value: 1e-6, message: '1e-7 is less than the smallest allowed, 0.000001: set to 0.000001.' });
  });
  it('keeps the value for text that is no number, and rounds for whole-number fields', () => {
    expect(checkNumberInput('abc', RANGES.lr, 0.01)).toEqual({ value: 0.01, message: '“abc” is not a number: kept 0.01.' });
    expect(checkNumberInput('', RANGES.width, 16).value).toBe(16);
    expect(checkNumberInput('2.6', RANGES.hidden, 1)).toEqual({ value: 3, message: '2.6 is not a whole number: set to 3.' });
  });
  it('says nothing for a value in range, and names the reason for a maximum', () => {
    expect(checkNumberInput(' 0.005 ', RANGES.lr, 0.01)).toEqual({ value: 0.005, message: null });
    expect(checkNumberInput('10000', { ...RANGES.testImages, max: 400 }, 400, 'the patterns task has 400 test images').message).toBe(
      '10000 is more than the largest allowed, 400 (the patterns task has 400 test images): set to 400.',
    );
  });
});

describe('a decimal comma (a German browser) is read or refused with a message, never dropped', () => {
  it('reads 0,001 as 0.001 and 1,5 as 1.5 (a whole-number field rounds it, saying so), in either language', () => {
    for (const separator of ['.', ','] as const) {
      expect(checkNumberInput('0,001', RANGES.lr, 0.01, undefined, separator)).toEqual({ value: 0.001, message: null });
      expect(checkNumberInput('2,5e-3', RANGES.lr, 0.01, undefined, separator)).toEqual({ value: 0.0025, message: null });
      expect(checkNumberInput('1,5', RANGES.width, 16, undefined, separator)).toEqual({ value: 2, message: '1,5 is not a whole number: set to 2.' });
    }
  });
  it('refuses a comma that may separate thousands in an English browser, and reads it as decimal in a German one', () => {
    expect(checkNumberInput('1,000', RANGES.width, 16, undefined, '.')).toEqual({ value: 16, message: '“1,000” could be 1000 (a thousands separator) or 1.000 (a decimal comma): kept 16; type it without the comma.' });
    expect(checkNumberInput('1,000', RANGES.lr, 0.01, undefined, ',')).toEqual({ value: 1, message: null });
    expect(checkNumberInput('1.000,5', RANGES.lr, 0.01, undefined, ',')).toEqual({ value: 0.01, message: '“1.000,5” is not a number: kept 0.01.' });
  });
  it('tells the separator of a language', () => {
    expect(localeDecimalSeparator('de-DE')).toBe(',');
    expect(localeDecimalSeparator('en-US')).toBe('.');
  });
});

describe('the arrow keys step without binary rounding noise', () => {
  it('0.2 + 0.1 is 0.3, -2.5371 + 0.1 keeps its four decimals, whole numbers stay whole', () => {
    expect(stepNumber(0.2, 0.1)).toBe(0.3);
    expect(stepNumber(-0.1, 0.1)).toBe(0);
    expect(Object.is(stepNumber(-0.1, 0.1), -0)).toBe(false);
    expect(stepNumber(-2.5371, 0.1)).toBe(-2.4371);
    expect(stepNumber(2000, 500)).toBe(2500);
    expect(stepNumber(1e-6, 1e-7)).toBe(1.1e-6);
  });
});
