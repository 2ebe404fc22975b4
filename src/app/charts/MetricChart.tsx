// One line chart of per-estimator means with 95% bands over seeds, against fractional epochs.
// Static (no animation), drawn from pre-downsampled rows; colours from the shared palette.
import { memo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BanditEstimator } from '../../engine/types.ts';
import { bandKey, seriesKey, type ChartRow } from '../model/chartSeries.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';
import { ChartTooltip } from './ChartTooltip.tsx';

export interface ChartLineStyle {
  /** series name (see chartSeries.ts) */
  name: string;
  label: string;
  dash?: string;
}

export interface HorizontalMarker {
  y: number;
  color: string;
  label: string;
}

export interface VerticalMarker {
  x: number;
  label: string;
}

export interface MetricChartProps {
  id: string;
  title: string;
  rows: ChartRow[];
  estimators: BanditEstimator[];
  lines: ChartLineStyle[];
  yLabel: string;
  yDomain?: [number | 'auto' | 'dataMin', number | 'auto' | 'dataMax'];
  digits: number;
  horizontalMarkers?: HorizontalMarker[];
  verticalMarkers?: VerticalMarker[];
  height?: number;
}

function MetricChartView(props: MetricChartProps) {
  const { id, title, rows, estimators, lines, yLabel, yDomain, digits, horizontalMarkers = [], verticalMarkers = [], height = 260 } = props;
  return (
    <figure className="chart" data-chart={id} data-testid={`chart-${id}`} data-rows={rows.length}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={rows} margin={{ top: 8, right: 24, bottom: 28, left: 16 }}>
          <CartesianGrid stroke="#e3e3e3" />
          <XAxis
            dataKey="epoch"
            type="number"
            domain={[0, 'dataMax']}
            tickFormatter={(v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0))}
            label={{ value: 'epoch (passes over the training set, fractional)', position: 'insideBottom', offset: -16 }}
          />
          <YAxis domain={yDomain ?? ['auto', 'auto']} allowDataOverflow={yDomain !== undefined} tickFormatter={(v: number) => v.toFixed(digits > 2 ? 2 : digits)} label={{ value: yLabel, angle: -90, position: 'insideLeft', offset: 0, style: { textAnchor: 'middle' } }} width={64} />
          <Tooltip content={<ChartTooltip estimators={estimators} lines={lines} digits={digits} />} isAnimationActive={false} />
          {estimators.flatMap((e) =>
            lines.map((l) => (
              <Area key={`${e}-${l.name}-band`} dataKey={bandKey(e, l.name)} stroke="none" fill={ESTIMATOR_COLORS[e]} fillOpacity={0.15} isAnimationActive={false} connectNulls activeDot={false} legendType="none" />
            )),
          )}
          {estimators.flatMap((e) =>
            lines.map((l) => (
              <Line key={`${e}-${l.name}`} dataKey={seriesKey(e, l.name)} stroke={ESTIMATOR_COLORS[e]} strokeWidth={2} strokeDasharray={l.dash} dot={false} isAnimationActive={false} connectNulls />
            )),
          )}
          {horizontalMarkers.map((m) => (
            <ReferenceLine key={m.label} y={m.y} stroke={m.color} strokeDasharray="2 4" strokeWidth={2} ifOverflow="extendDomain" label={{ value: m.label, position: 'insideTopRight', fill: m.color, fontSize: 11 }} />
          ))}
          {verticalMarkers.map((m) => (
            <ReferenceLine key={m.label} x={m.x} stroke="#c00" strokeWidth={2} label={{ value: m.label, position: 'insideTopLeft', fill: '#c00', fontSize: 11 }} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

export const MetricChart = memo(MetricChartView);
