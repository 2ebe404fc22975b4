// A small hand-written SVG line chart: mean lines with a shaded band, labelled axes, legend.
// No browser needed; the output is a standalone .svg file.

/** Okabe–Ito colour-blind-safe palette (yellow left out: too pale on white). */
export const OKABE_ITO = {
  blue: '#0072B2',
  green: '#009E73',
  vermillion: '#D55E00',
  orange: '#E69F00',
  purple: '#CC79A7',
  skyBlue: '#56B4E9',
  black: '#000000',
} as const;

export interface ChartPoint {
  x: number;
  y: number;
  /** band (e.g. 95% interval); omitted or non-finite: no band at this point */
  lo?: number;
  hi?: number;
}

export interface ChartSeries {
  name: string;
  color: string;
  /** SVG stroke-dasharray, e.g. "6 3" */
  dash?: string;
  points: ChartPoint[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** "Nice" tick values (1, 2, 5 × 10^k steps, at least minStep apart) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5, minStep = 0): number[] {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceTicks(lo - pad, hi + pad, target, minStep);
  }
  const raw = Math.max(minStep, (hi - lo) / target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(6)));
}

export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 420;
  const legendWidth = 190;
  const m = { left: 72, right: legendWidth + 16, top: 40, bottom: 56 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of spec.series) {
    for (const p of s.points) {
      if (!finite(p.x) || !finite(p.y)) continue;
      xs.push(p.x);
      ys.push(p.y);
      if (finite(p.lo)) ys.push(p.lo);
      if (finite(p.hi)) ys.push(p.hi);
    }
  }
  // integer x values (epochs) get integer ticks
  const xStep = xs.length && xs.every(Number.isInteger) ? 1 : 0;
  const xTicks = xs.length ? niceTicks(Math.min(...xs), Math.max(...xs), 5, xStep) : [0, 1];
  const yTicks = ys.length ? niceTicks(Math.min(...ys), Math.max(...ys)) : [0, 1];
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const sx = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number): number => m.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const n = (v: number): string => v.toFixed(1);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(spec.title)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2 - legendWidth / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`);
  // grid and ticks
  for (const t of yTicks) {
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${n(sy(t))}" y2="${n(sy(t))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.left - 6}" y="${n(sy(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${n(sx(t))}" x2="${n(sx(t))}" y1="${m.top}" y2="${m.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${n(sx(t))}" y="${m.top + plotH + 18}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${m.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(
    `<text transform="translate(18 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  // bands, then lines (so lines stay on top)
  for (const s of spec.series) {
    const band = s.points.filter((p) => finite(p.x) && finite(p.lo) && finite(p.hi));
    if (band.length >= 2) {
      const upper = band.map((p) => `${n(sx(p.x))},${n(sy(p.hi as number))}`);
      const lower = band.map((p) => `${n(sx(p.x))},${n(sy(p.lo as number))}`).reverse();
      out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.color}" fill-opacity="0.18" stroke="none"/>`);
    }
  }
  for (const s of spec.series) {
    const segments: string[][] = [[]];
    for (const p of s.points) {
      if (finite(p.x) && finite(p.y)) segments[segments.length - 1].push(`${n(sx(p.x))},${n(sy(p.y))}`);
      else if (segments[segments.length - 1].length) segments.push([]);
    }
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    for (const seg of segments) {
      if (seg.length >= 2) out.push(`<polyline points="${seg.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
      else if (seg.length === 1) {
        const [cx, cy] = seg[0].split(',');
        out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`);
      }
    }
  }
  // legend
  const lx = width - legendWidth;
  spec.series.forEach((s, i) => {
    const y = m.top + 10 + i * 20;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<line x1="${lx}" x2="${lx + 26}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="3"${dash}/>`);
    out.push(`<text x="${lx + 32}" y="${y + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push(`<text x="${lx}" y="${m.top + 14 + spec.series.length * 20}" fill="#555" font-size="11">lines: mean; bands: 95% CI</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
