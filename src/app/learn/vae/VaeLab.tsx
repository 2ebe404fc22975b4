// The VAE lesson's exact-gradient lab: K one-sample gradients of f-HNCA (± baseline) and REINFORCE
// (± baseline) on the lesson's network, their running means against the exact gradient (by
// enumeration of all 16 encoder samples) and their variances per encoder parameter.
import { useEffect, useMemo, useState } from 'react';
import { exactMomentsVae, exactVae, lessonBaselines, VAE_LESSON_ESTIMATORS, VaeLessonSampler } from '../../../models/vae/explain.ts';
import { NumberField } from '../../components/NumberField.tsx';
import { ESTIMATOR_COLORS } from '../../model/palette.ts';
import { formatNumber } from '../model/format.ts';
import { estimatorRows, runningMeans } from '../model/labSeries.ts';
import { RunningMeansChart } from '../lab/LabCharts.tsx';
import { VAE_LAB_K_MAX, vaeParamInfos } from './lesson.ts';
import { useVae, useVaeUpdate } from './context.ts';
import { estimatorShort } from './shown.ts';

/** Draws the sampler in chunks of at most ~10 ms on timers; `version` bumps when charts should redraw. */
function useVaeSampling(sampler: VaeLessonSampler, running: boolean): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!running) return;
    let timer = 0;
    let drawn = 0;
    const tick = (): void => {
      const start = performance.now();
      while (sampler.count < sampler.capacity && performance.now() - start < 10) sampler.draw(10);
      const done = sampler.count >= sampler.capacity;
      if (done || performance.now() - drawn > 400) {
        drawn = performance.now();
        setVersion((v) => v + 1);
      }
      if (!done) timer = window.setTimeout(tick, 16);
    };
    timer = window.setTimeout(tick, 0);
    return () => window.clearTimeout(timer);
  }, [sampler, running]);
  return version;
}

export function VaeLab() {
  const { params } = useVaeUpdate();
  const x = useVae((s) => s.lesson.x);
  const seed = useVae((s) => s.lesson.seed);
  const labK = useVae((s) => s.lesson.labK);
  const labParam = useVae((s) => s.lesson.labParam);
  const setLab = useVae((s) => s.setLab);
  const infos = vaeParamInfos();
  const e = Math.min(labParam, infos.length - 1);
  const [generation, setGeneration] = useState(0);
  const [running, setRunning] = useState(true);
  const exact = useMemo(() => exactVae(params, x), [params, x]);
  const moments = useMemo(() => VAE_LESSON_ESTIMATORS.map((est) => exactMomentsVae(params, x, est, lessonBaselines(exact, est))), [params, x, exact]);
  const sampler = useMemo(() => new VaeLessonSampler(params, x, labK, seed, exact), [params, x, labK, seed, exact, generation]); // generation: restart
  const version = useVaeSampling(sampler, running);
  const names = VAE_LESSON_ESTIMATORS.map(estimatorShort);
  const colors = VAE_LESSON_ESTIMATORS.map((est) => ESTIMATOR_COLORS[est]);
  const exactGrad = moments[0].mean[e];
  const charts = useMemo(
    () => ({
      means: runningMeans(Object.fromEntries(names.map((n, r) => [n, sampler.values(r, e)])), 120),
      rows: estimatorRows(names, sampler, exactGrad, moments.map((m) => m.variance), e),
    }),
    [sampler, version, e, exactGrad, moments], // version: redraw after each chunk
  );
  const done = sampler.count >= sampler.capacity;
  const encoder = infos.filter((p) => p.encoder);
  return (
    <div className="lab vae-lab">
      <div className="panel lab-controls">
        <label title="How many updates (samples) of each estimator to draw.">
          K <NumberField ariaLabel="K" range={{ min: 10, max: VAE_LAB_K_MAX, integer: true }} step={500} value={labK} onCommit={(k) => setLab({ labK: k })} />
        </label>
        <label title="The parameter whose estimates the chart shows.">
          parameter{' '}
          <select aria-label="parameter" value={e} onChange={(ev) => setLab({ labParam: Number(ev.target.value) })}>
            {infos.map((p) => (
              <option key={p.index} value={p.index}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => setRunning(!running)} disabled={done}>
          {running && !done ? 'Pause' : 'Run'}
        </button>
        <button onClick={() => setGeneration((g) => g + 1)}>Restart</button>
        <span data-testid="lab-count" data-count={sampler.count} data-done={done}>
          {sampler.count} / {sampler.capacity} samples
        </span>
        <span title="The ELBO averaged exactly over all 16 encoder samples (nats).">E[f] = {formatNumber(exact.elbo, 4)} nats</span>
      </div>
      <div className="lab-grid">
        <div className="panel">
          <h2>
            {infos[e].label}: exact ∂E[f]/∂θ = <span data-testid="lab-exact" data-value={exactGrad}>{formatNumber(exactGrad, 4)}</span>
          </h2>
          <p className="legend">
            {infos[e].encoder
              ? 'Every estimator is unbiased: each running mean converges to the exact gradient (dashed). f-HNCA gets there with far less noise.'
              : 'A decoder or prior parameter: its per-sample gradient is exact for every estimator (all four lines coincide).'}
          </p>
          <div className="table-scroll">
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
                  <tr key={row.estimator} data-estimator={VAE_LESSON_ESTIMATORS[r]} data-mean={String(row.mean)} data-se={String(row.standardError)}>
                    <th style={{ color: colors[r] }}>{row.estimator}</th>
                    <td>{formatNumber(row.mean, 4)}</td>
                    <td>{formatNumber(row.standardError, 4)}</td>
                    <td title="Below 3 is what an unbiased estimator gives almost always.">{formatNumber(row.z, 2)}</td>
                    <td>{formatNumber(row.sampleVariance, 4)}</td>
                    <td>{formatNumber(row.exactVariance, 4)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <RunningMeansChart rows={charts.means} names={names} colors={colors} exact={exactGrad} />
        </div>
        <div className="panel">
          <h2>Exact variance of one sample, every encoder parameter</h2>
          <p className="legend">Click a row to chart that parameter. f-HNCA is below REINFORCE everywhere; its baseline helps layer 1 and changes nothing for the top layer (ρ(1) = ρ(0) there). Rows with all zeros: weights from a pixel that is 0.</p>
          <div className="table-scroll">
            <table className="numbers vae-variances" data-testid="variance-table">
              <thead>
                <tr>
                  <th>parameter</th>
                  {names.map((n, r) => (
                    <th key={n} style={{ color: colors[r] }}>
                      {n}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {encoder.map((p) => (
                  <tr key={p.index} className={p.index === e ? 'selected' : ''} onClick={() => setLab({ labParam: p.index })} data-param={p.index}>
                    <th>
                      <button className="link" onClick={() => setLab({ labParam: p.index })}>
                        {p.label}
                      </button>
                    </th>
                    {moments.map((m, r) => (
                      <td key={r} data-variance={m.variance[p.index]}>
                        {formatNumber(m.variance[p.index], 4)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
