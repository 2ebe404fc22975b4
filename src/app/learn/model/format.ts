// How the lesson prints numbers: three decimals, scientific notation for tiny values, exact zero as 0.

export function formatNumber(v: number, digits = 3): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  // float64 rounding noise of the engine (e.g. 1 ulp of a credit that is exactly zero in theory)
  if (Math.abs(v) < 1e-12) return '≈0';
  const a = Math.abs(v);
  const text = a < 10 ** -digits / 2 || a >= 1e5 ? v.toExponential(1) : v.toFixed(digits);
  return text.replace('-', '−');
}

/** A signed number for inside a TeX formula (parenthesized when negative). */
export function texNumber(v: number, digits = 3, parenthesize = true): string {
  const text = formatNumber(v, digits).replace('−', '-').replace(/e([+-]?)(\d+)/, (_m, s: string, d: string) => `\\times 10^{${s === '-' ? '-' : ''}${d}}`);
  return v < 0 && parenthesize ? `(${text})` : text;
}
