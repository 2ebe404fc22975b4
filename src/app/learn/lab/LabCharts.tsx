// The lab's charts (recharts): histograms of one parameter's estimates with the exact value
// marked, running means converging to it, and the per-parameter variance ratio (Theorem 1).
import { readableOnWhite } from '../../model/palette.ts';
import { Bar, BarChart, CartesianGrid, ComposedChart, Label, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { memo } from 'react';
import { RATIO_FLOOR, type Histograms, type MeanRow, type RatioRow } from '../model/labSeries.ts';
import { formatNumber } from '../model/format.ts';

const tick = (v: number): string => formatNumber(v, 2);

/** The Theorem 1 chart's narrowest width (px): about 22 px per parameter name of the default network's 39. */
const RATIO_CHART_MIN_WIDTH = 860;

export const HistogramChart = memo(function HistogramChart({ title, color, h, bins, exact }: { title: string; color: string; h: Histograms; bins: Histograms['bins'][number]; exact: number }) {
  return (
    <figure className="chart small">
      <figcaption style={{ color: readableOnWhite(color) }}>{title}</figcaption>
      <ResponsiveContainer width="100%" height={175}>
      <ComposedChart data={bins} margin={{ top: 18, right: 14, bottom: 28, left: 6 }} barCategoryGap={0}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="x" type="number" domain={h.domain} tickFormatter={tick} ticks={[0, 1, 2, 3, 4].map((q) => h.domain[0] + ((h.domain[1] - h.domain[0]) * q) / 4)}>
          <Label value="estimate" position="insideBottom" offset={-16} />
        </XAxis>
        <YAxis width={60} allowDecimals={false}>
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
  return (
    <figure className="chart">
      <figcaption>Running means of the estimates (exact gradient dashed)</figcaption>
      {/* the legend in the page's flow, above the plot: recharts' own legend, wrapped to two lines on a phone, ran over the plot */}
      <ul className="lab-legend">
        {names.map((n, r) => (
          <li key={n} style={{ color: readableOnWhite(colors[r]) }}>
            <span className="swatch" style={{ background: colors[r] }} />
            {n}
          </li>
        ))}
      </ul>
      <ResponsiveContainer width="100%" height={260}>
      <LineChart data={rows} margin={{ top: 8, right: 20, bottom: 28, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="k" type="number" domain={[1, 'dataMax']}>
          <Label value="samples K" position="insideBottom" offset={-16} />
        </XAxis>
        <YAxis tickFormatter={tick} width={70} domain={['auto', 'auto']}>
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

export const VarianceRatioChart = memo(function VarianceRatioChart({ rows, selected, onSelect }: { rows: RatioRow[]; selected: number; onSelect: (e: number) => void }) {
  return (
    <figure className="chart wide">
      <figcaption>Theorem 1: Var(HNCA) / Var(REINFORCE) per parameter, log scale (≤ 1; = 1 for the output layer; bars at 10⁻⁴: ratio ≤ 10⁻⁴; no bar: the input is 0, both are always 0). Click a bar to choose that parameter.</figcaption>
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
        <Legend verticalAlign="top" />
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
