// The lab's charts (recharts): histograms of one parameter's estimates with the exact value
// marked, running means converging to it, and the per-parameter variance ratio (Theorem 1).
// Ticks are round (1–2–5 steps, model/ticks.ts) and the legends are HTML lists above the plots, never drawn over the data.
import { Bar, BarChart, CartesianGrid, ComposedChart, Label, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { memo, useMemo } from 'react';
import { readableOnWhite } from '../../model/palette.ts';
import { RATIO_FLOOR, type Histograms, type MeanRow, type RatioRow } from '../model/labSeries.ts';
import { formatNumber } from '../model/format.ts';
import { niceTicks } from '../../model/ticks.ts';
import '../../charts/charts.css';

/** Tick text of a round tick: its shortest exact form (round ticks need no rounding). */
const tick = (v: number): string => String(Number(v.toPrecision(6)));

/** A chart's legend as an HTML list above its plot (recharts' own legend sat on the curves when it wrapped). */
function LabLegend({ items }: { items: readonly { name: string; color: string; dash?: boolean }[] }) {
  return (
    <ul className="lab-legend" data-testid="lab-legend">
      {items.map((item) => (
        <li key={item.name} style={{ color: readableOnWhite(item.color) }}>
          {item.dash ? (
            <svg width={24} height={10} aria-hidden="true">
              <line x1={0} y1={5} x2={24} y2={5} stroke={item.color} strokeWidth={2} strokeDasharray="6 4" />
            </svg>
          ) : (
            <span className="swatch" style={{ background: item.color }} />
          )}
          {item.name}
        </li>
      ))}
    </ul>
  );
}

/** The Theorem 1 chart's narrowest width (px): about 22 px per parameter name of the default network's 39. */
const RATIO_CHART_MIN_WIDTH = 860;

export const HistogramChart = memo(function HistogramChart({ title, color, h, bins, exact }: { title: string; color: string; h: Histograms; bins: Histograms['bins'][number]; exact: number }) {
  // round ticks inside the histogram's range (its bins fix the range: no tick past its ends)
  const xTicks = useMemo(() => niceTicks(h.domain[0], h.domain[1], 5).ticks.filter((t) => t >= h.domain[0] - 1e-12 && t <= h.domain[1] + 1e-12), [h.domain]);
  // counts: whole round numbers from 0
  const yAxis = useMemo(() => {
    const most = Math.max(1, ...bins.map((b) => b.count));
    return niceTicks(0, most, most < 5 ? most + 1 : 5);
  }, [bins]);
  return (
    <figure className="chart small">
      <figcaption style={{ color: readableOnWhite(color) }}>{title}</figcaption>
      <ResponsiveContainer width="100%" height={175}>
      <ComposedChart data={bins} margin={{ top: 18, right: 14, bottom: 28, left: 6 }} barCategoryGap={0}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="x" type="number" domain={h.domain} tickFormatter={tick} ticks={xTicks} interval={0}>
          <Label value="estimate" position="insideBottom" offset={-16} />
        </XAxis>
        <YAxis width={60} allowDecimals={false} domain={yAxis.domain} ticks={yAxis.ticks} interval={0}>
          <Label value="count" angle={-90} position="insideLeft" offset={2} />
        </YAxis>
        <Bar dataKey="count" fill={color} isAnimationActive={false} barSize={Math.max(2, 240 / bins.length - 1)} />
        <ReferenceLine x={exact} stroke="#111" strokeWidth={2} label={{ value: 'exact', position: 'top', fontSize: 11 }} />
      </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
});

export const RunningMeansChart = memo(function RunningMeansChart({ rows, names, colors, exact }: { rows: MeanRow[]; names: string[]; colors: string[]; exact: number }) {
  const axes = useMemo(() => {
    let lo = exact;
    let hi = exact;
    let k = 1;
    for (const row of rows) {
      k = Math.max(k, row.k);
      for (const n of names) {
        const v = row[n];
        if (typeof v === 'number' && Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    return { x: niceTicks(0, k), y: niceTicks(lo, hi) };
  }, [rows, names, exact]);
  const legend = useMemo(() => [...names.map((name, r) => ({ name, color: colors[r] })), { name: 'exact gradient', color: '#111', dash: true }], [names, colors]);
  return (
    <figure className="chart">
      <figcaption>Running means of the estimates (exact gradient dashed)</figcaption>
      <LabLegend items={legend} />
      <ResponsiveContainer width="100%" height={260}>
      <LineChart data={rows} margin={{ top: 8, right: 20, bottom: 28, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="k" type="number" domain={axes.x.domain} ticks={axes.x.ticks} interval={0} tickFormatter={tick}>
          <Label value="samples K" position="insideBottom" offset={-16} />
        </XAxis>
        <YAxis tickFormatter={tick} width={70} domain={axes.y.domain} ticks={axes.y.ticks} interval={0}>
          <Label value="mean estimate" angle={-90} position="insideLeft" offset={0} />
        </YAxis>
        <Tooltip formatter={(v) => (typeof v === 'number' ? formatNumber(v, 4) : String(v))} labelFormatter={(k) => `after ${String(k)} samples`} />
        {names.map((n, r) => (
          <Line key={n} dataKey={n} stroke={colors[r]} dot={false} isAnimationActive={false} strokeWidth={2} />
        ))}
        <ReferenceLine y={exact} stroke="#111" strokeDasharray="6 4" strokeWidth={2} />
      </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});

const RATIO_LEGEND = [
  { name: 'exact, no baseline', color: '#0072B2' },
  { name: 'exact, with baseline', color: '#009E73' },
  { name: 'sampled, no baseline', color: '#CC79A7' },
];

export const VarianceRatioChart = memo(function VarianceRatioChart({ rows, selected, onSelect }: { rows: RatioRow[]; selected: number; onSelect: (e: number) => void }) {
  return (
    <figure className="chart wide">
      <figcaption>Theorem 1: Var(HNCA) / Var(REINFORCE) per parameter, log scale (≤ 1; = 1 for the output layer; bars at 10⁻⁴: ratio ≤ 10⁻⁴; no bar: the input is 0, both are always 0). Click a bar to choose that parameter.</figcaption>
      <LabLegend items={RATIO_LEGEND} />
      {/* room for every parameter's name: on a narrow screen the chart scrolls inside its figure (learn.css) */}
      <ResponsiveContainer width="100%" minWidth={RATIO_CHART_MIN_WIDTH} height={260}>
      <BarChart
        data={rows}
        margin={{ top: 8, right: 20, bottom: 8, left: 16 }}
        onClick={(state) => {
          const index = Number(state.activeTooltipIndex);
          if (Number.isInteger(index) && rows[index]) onSelect(rows[index].index);
        }}
      >
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="label" interval={0} angle={-55} textAnchor="end" height={60} fontSize={11} />
        <YAxis scale="log" domain={[RATIO_FLOOR / 2, 2]} allowDataOverflow ticks={[1e-4, 1e-3, 1e-2, 0.1, 1]} tickFormatter={(v: number) => String(v)} width={60}>
          <Label value="variance ratio" angle={-90} position="insideLeft" offset={0} style={{ textAnchor: 'middle' }} />
        </YAxis>
        <Tooltip formatter={(v) => (typeof v === 'number' ? formatNumber(v, 3) : '—')} />
        <ReferenceLine y={1} stroke="#111" strokeDasharray="6 4" />
        <ReferenceLine x={rows.find((r) => r.index === selected)?.label} stroke="#888" strokeWidth={8} strokeOpacity={0.25} />
        <Bar dataKey="exact" name="exact, no baseline" fill="#0072B2" isAnimationActive={false} />
        <Bar dataKey="exactBaseline" name="exact, with baseline" fill="#009E73" isAnimationActive={false} />
        <Bar dataKey="sampled" name="sampled, no baseline" fill="#CC79A7" isAnimationActive={false} />
      </BarChart>
      </ResponsiveContainer>
    </figure>
  );
});
