// The exact-gradient lab: the exact gradient of E[r] by enumeration, K samples of each
// estimator drawn in chunks, and for a chosen parameter the estimates against the exact value.
import { useMemo } from 'react';
import { estimatorLabel } from '../../../engine/estimators.ts';
import { exactGradient, exactMoments, LAB_ESTIMATORS } from '../../../models/bandit/exactLab.ts';
import { ESTIMATOR_COLORS, readableOnWhite } from '../../model/palette.ts';
import { formatNumber } from '../model/format.ts';
import { estimatorRows, histograms, ratioRows, runningMeans } from '../model/labSeries.ts';
import { NumberField } from '../../components/NumberField.tsx';
import { LESSON_RANGES, LAB_SPEEDS } from '../model/lesson.ts';
import { paramInfos } from '../model/names.ts';
import type { LessonData } from '../components/hooks.ts';
import { useLearn } from '../components/context.ts';
import { HistogramChart, RunningMeansChart, VarianceRatioChart } from './LabCharts.tsx';
import { useSampler } from './useSampler.ts';

export function LabView({ data }: { data: LessonData }) {
  const { params, problem, sizes } = data;
  const lesson = useLearn((s) => s.lesson);
  const setLab = useLearn((s) => s.setLab);
  const selectParam = useLearn((s) => s.selectParam);
  const { labK, labSpeed, baseline, seed } = lesson;
  const infos = paramInfos(sizes);
  const e = Math.min(lesson.labParam, infos.length - 1);
  const exact = useMemo(() => exactGradient(params, problem), [params, problem]);
  const moments = useMemo(() => LAB_ESTIMATORS.map((est) => exactMoments(params, problem, est, baseline).variance), [params, problem, baseline]);
  const { sampler, version, running, setRunning, restart } = useSampler(params, problem, labK, seed, baseline, labSpeed);
  const names = LAB_ESTIMATORS.map(estimatorLabel);
  const colors = LAB_ESTIMATORS.map((est) => ESTIMATOR_COLORS[est]);
  const charts = useMemo(() => {
    const values = LAB_ESTIMATORS.map((_, r) => sampler.values(r, e));
    return {
      h: histograms(values, exact.gradient[e]),
      means: runningMeans(Object.fromEntries(names.map((n, r) => [n, values[r]])), 120),
      rows: estimatorRows(names, sampler, exact.gradient[e], moments, e),
    };
  }, [sampler, version, e, exact, moments]); // version: redraw after each chunk
  // the 39-parameter ratio chart is the costliest to draw: redraw it every 500 samples and at the end
  const ratioEpoch = sampler.count >= sampler.capacity ? -1 : Math.floor(sampler.count / 500);
  const ratios = useMemo(() => ratioRows(infos.map((p) => p.label), moments, sampler), [sampler, moments, ratioEpoch]);
  const done = sampler.count >= sampler.capacity;
  return (
    <div className="lab">
      <div className="panel lab-controls">
        <label title="How many samples of each estimator to draw.">
          K <NumberField ariaLabel="K" range={LESSON_RANGES.labK} step={100} value={labK} onCommit={(k) => setLab({ labK: k })} />
        </label>
        <label title="Samples of each estimator per animation tick (about 60 ticks a second).">
          speed{' '}
          <select aria-label="speed" value={labSpeed} onChange={(ev) => setLab({ labSpeed: Number(ev.target.value) })}>
            {LAB_SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s} / tick
              </option>
            ))}
          </select>
        </label>
        <label title="The parameter whose estimates the charts show (or click a bar below).">
          parameter{' '}
          <select aria-label="parameter" value={e} onChange={(ev) => selectParam(Number(ev.target.value))}>
            {infos.map((p) => (
              <option key={p.index} value={p.index}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label title="The constant baseline b of the '+ baseline' estimators: R = r − b.">
          baseline b <NumberField ariaLabel="baseline" range={LESSON_RANGES.baseline} step={0.1} value={baseline} onCommit={(b) => setLab({ baseline: b })} />
        </label>
        <button onClick={() => setRunning(!running)} disabled={done}>
          {running && !done ? 'Pause' : 'Run'}
        </button>
        <button onClick={restart}>Restart</button>
        <span data-testid="lab-count" data-count={sampler.count} data-done={done}>
          {sampler.count} / {sampler.capacity} samples
        </span>
        <span title="E[r] summed exactly over every hidden configuration and action.">E[r] = {formatNumber(exact.expectedReward, 4)}</span>
      </div>
      <div className="lab-grid">
        <div className="panel">
          <h2>
            {infos[e].label}: exact ∂E[r]/∂θ {formatNumber(exact.gradient[e], 4).startsWith('≈') ? '' : '= '}
            <span data-testid="lab-exact" data-value={exact.gradient[e]}>{formatNumber(exact.gradient[e], 4)}</span>
          </h2>
          <div className="lab-table-scroll">
          <table className="numbers lab-table">
            <thead>
              <tr>
                <th>estimator</th>
                <th title="mean of the K estimates">mean</th>
                <th title="standard error of the mean: sample sd / √K">SE</th>
                <th title="distance of the mean from the exact gradient, in standard errors">|mean − exact| / SE</th>
                <th title="sample variance of the estimates">variance</th>
                <th title="exact variance by enumeration">exact variance</th>
              </tr>
            </thead>
            <tbody>
              {charts.rows.map((row, r) => (
                <tr key={row.estimator} data-estimator={LAB_ESTIMATORS[r]} data-mean={String(row.mean)} data-se={String(row.standardError)}>
                  <th style={{ color: readableOnWhite(colors[r]) }}>{row.estimator}</th>
                  <td title={`The mean of ${sampler.count} ${row.estimator} estimates of ∂E[r]/∂(${infos[e].label}); it converges to the exact value.`}>{formatNumber(row.mean, 4)}</td>
                  <td title="The standard error of that mean: the sample standard deviation divided by √K.">{formatNumber(row.standardError, 4)}</td>
                  <td title="How far the mean is from the exact gradient, in standard errors: below 3 is what an unbiased estimator gives almost always.">{formatNumber(row.z, 2)}</td>
                  <td title={`The sample variance of the ${row.estimator} estimates.`}>{formatNumber(row.sampleVariance, 4)}</td>
                  <td title="The exact variance, from every hidden configuration and action forced through the engine.">{formatNumber(row.exactVariance, 4)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          <RunningMeansChart rows={charts.means} names={names} colors={colors} exact={exact.gradient[e]} />
        </div>
        <div className="panel histograms">
          {names.map((n, r) => (
            <HistogramChart key={n} title={n} color={colors[r]} h={charts.h} bins={charts.h.bins[r]} exact={exact.gradient[e]} />
          ))}
        </div>
      </div>
      <div className="panel ratio-scroll">
        <VarianceRatioChart rows={ratios} selected={e} onSelect={selectParam} />
      </div>
    </div>
  );
}
