// The VAE lesson's step-through: the network (samples revealed layer by layer, the chosen unit's
// children marked), the editors, the pseudo-code with the step's formula, and the step's numbers.
import type { KeyboardEvent } from 'react';
import { formatNumber } from '../model/format.ts';
import { NumberField } from '../../components/NumberField.tsx';
import { Num } from '../components/Num.tsx';
import { LESSON_RANGES } from '../model/lesson.ts';
import { Tex } from '../components/Tex.tsx';
import { Transport } from '../components/Transport.tsx';
import type { VaeUpdateExplained } from '../../../models/vae/explain.ts';
import { VAE_SIZES, VAE_STEPS, vaeNodeName, vaeParamInfos, vaeWeightLimit } from './lesson.ts';
import { useVae, useVaeUpdate } from './context.ts';
import { VAE_PSEUDO_CODE, vaeStepView, type VaeStepView } from './shown.ts';

const COL_X = [90, 225, 350];
const nodeY = (layer: number, i: number): number => {
  const n = VAE_SIZES[layer];
  return 30 + ((i + 0.5) * 200) / n;
};

/** Which layers' samples are known at step `index`: pixels always, layer l after its encoder step. */
function revealedLayers(index: number): number {
  return index >= 3 ? 2 : index;
}

function Diagram({ update, stepIndex }: { update: VaeUpdateExplained; stepIndex: number }) {
  const setUnit = useVae((s) => s.setUnit);
  const { layer, unit } = update.unit;
  const shownLayers = revealedLayers(stepIndex);
  const childrenShown = stepIndex >= 4;
  const s = update.main;
  const edges: { key: string; x1: number; y1: number; x2: number; y2: number; cls: string }[] = [];
  for (let l = 1; l < VAE_SIZES.length; l++)
    for (let j = 0; j < VAE_SIZES[l - 1]; j++)
      for (let i = 0; i < VAE_SIZES[l]; i++) {
        let cls = 'vae-edge';
        if (childrenShown && l - 1 === layer && j === unit) cls += ' enc-child';
        if (childrenShown && l === layer && i === unit) cls += ' dec-child';
        edges.push({ key: `${l}-${j}-${i}`, x1: COL_X[l - 1], y1: nodeY(l - 1, j), x2: COL_X[l], y2: nodeY(l, i), cls });
      }
  const choose = (l: number, i: number) => (e?: KeyboardEvent) => {
    if (e && e.key !== 'Enter' && e.key !== ' ') return;
    setUnit(l, i);
  };
  return (
    <svg viewBox="0 0 400 250" className="vae-diagram" role="img" aria-label="the tiny VAE: pixels, encoder layer 1, encoder layer 2">
      <text x={COL_X[0]} y={16} className="col-title">pixels x</text>
      <text x={COL_X[1]} y={16} className="col-title">layer 1</text>
      <text x={COL_X[2]} y={16} className="col-title">layer 2</text>
      {edges.map(({ key, cls, ...at }) => (
        <line key={key} {...at} className={cls} />
      ))}
      {VAE_SIZES.map((n, l) =>
        Array.from({ length: n }, (_, i) => {
          const known = l <= shownLayers;
          const chosen = l === layer && i === unit;
          const isChild = childrenShown && ((l === layer - 1) || (l === layer + 1));
          const cx = COL_X[l];
          const cy = nodeY(l, i);
          const value = l === 0 ? update.x[i] : s.phi[l][i];
          return (
            <g
              key={`${l}-${i}`}
              className={`vae-node ${chosen ? 'chosen' : ''} ${isChild ? 'child' : ''} ${known && value === 1 ? 'on' : ''}`}
              {...(l > 0 ? { role: 'button', tabIndex: 0, onClick: () => setUnit(l, i), onKeyDown: choose(l, i), 'aria-label': `choose unit ${vaeNodeName(l, i)}`, 'data-unit': vaeNodeName(l, i) } : {})}
            >
              <title>{l === 0 ? `pixel ${vaeNodeName(l, i)}` : `${vaeNodeName(l, i)}: click to explain this unit's credit`}</title>
              <circle cx={cx} cy={cy} r={19} />
              <text x={cx} y={cy - 3} className="node-name">{vaeNodeName(l, i)}</text>
              <text x={cx} y={cy + 11} className="node-value">{known ? `φ=${value}` : '?'}</text>
              {l > 0 && known && (
                <text x={cx} y={cy + 32} className="node-p">p={formatNumber(s.p[l][i], 2)}</text>
              )}
              {l === 0 && stepIndex >= 3 && (
                <text x={cx - 24} y={cy + 4} className="node-p pixel-p">
                  P={formatNumber(s.dp[0][i], 2)}
                  <title>{`The decoder's probability that ${vaeNodeName(0, i)} is 1 given layer 1's sample.`}</title>
                </text>
              )}
            </g>
          );
        }),
      )}
      {childrenShown && (
        <g className="legend">
          <line x1={20} y1={240} x2={44} y2={240} className="vae-edge dec-child" />
          <text x={48} y={244}>decoder children</text>
          <line x1={190} y1={240} x2={214} y2={240} className="vae-edge enc-child" />
          <text x={218} y={244}>encoder children</text>
        </g>
      )}
    </svg>
  );
}

function Editors() {
  const lesson = useVae((s) => s.lesson);
  const setPixel = useVae((s) => s.setPixel);
  const setSeed = useVae((s) => s.setSeed);
  const setUnit = useVae((s) => s.setUnit);
  const setWeight = useVae((s) => s.setWeight);
  const setLab = useVae((s) => s.setLab);
  const infos = vaeParamInfos();
  const k = lesson.labParam;
  return (
    <div className="panel editors vae-editors">
      <div className="pixels" role="group" aria-label="input pixels">
        pixels{' '}
        {lesson.x.map((v, j) => (
          <button key={j} className={v === 1 ? 'on' : ''} aria-pressed={v === 1} onClick={() => setPixel(j, 1 - v)} data-testid={`pixel-${j}`} title={`Toggle pixel x${j + 1}`}>
            x{j + 1}={v}
          </button>
        ))}
      </div>
      <label>
        seed <NumberField ariaLabel="seed" value={lesson.seed} range={LESSON_RANGES.seed} onCommit={setSeed} />
      </label>
      <label>
        unit{' '}
        <select aria-label="unit" value={`${lesson.layer}.${lesson.unit}`} onChange={(e) => { const [l, i] = e.target.value.split('.').map(Number); setUnit(l, i); }}>
          {[1, 2].flatMap((l) => [0, 1].map((i) => (
            <option key={`${l}.${i}`} value={`${l}.${i}`}>
              {vaeNodeName(l, i)}
            </option>
          )))}
        </select>
      </label>
      <label>
        weight{' '}
        <select aria-label="weight" value={k} onChange={(e) => setLab({ labParam: Number(e.target.value) })}>
          {infos.map((p) => (
            <option key={p.index} value={p.index}>
              {p.label}
            </option>
          ))}
        </select>{' '}
        <NumberField ariaLabel="weight value" step={0.1} range={{ min: -vaeWeightLimit(k), max: vaeWeightLimit(k), integer: false }} title={`within ±${vaeWeightLimit(k)}`} value={lesson.weights[k]} onCommit={(v) => setWeight(k, v)} />
      </label>
    </div>
  );
}

function StepText({ view }: { view: VaeStepView }) {
  return (
    <div className="panel pseudo">
      <h2 data-testid="step-title">{view.title}</h2>
      <p className="plain" data-testid="step-sentence">{view.sentence}</p>
      <ol className="code">
        {VAE_PSEUDO_CODE.map((line, k) => (
          <li key={k} className={view.lines.includes(k) ? 'current' : ''}>
            <code>{line}</code>
          </li>
        ))}
      </ol>
      <div className="formula">
        <Tex tex={view.formula} display />
      </div>
      <div className="instance">
        <Tex tex={view.instance} display />
      </div>
    </div>
  );
}

function Numbers({ view, toLab }: { view: VaeStepView; toLab?: () => void }) {
  return (
    <div className="panel detail">
      {toLab && (
        <p className="to-lab">
          One sample proves nothing about bias or noise:{' '}
          <button onClick={toLab} data-testid="to-lab">
            watch thousands of updates in the lab →
          </button>
        </p>
      )}
      {view.groups.map((g) => (
        <section key={g.heading}>
          <h3>{g.heading}</h3>
          <dl className="chips">
            {g.numbers.map((n) => (
              <div key={n.key} className="chip">
                <dt>{n.label}</dt>
                <dd>
                  <Num n={n} />
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      {view.tables.map((t) => (
        <div key={t.caption} className="table-scroll">
          <table className="numbers">
            <caption>{t.caption}</caption>
            <thead>
              <tr>
                <th />
                {t.columns.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {t.rows.map((r) => (
                <tr key={r.head}>
                  <th>{r.head}</th>
                  {r.cells.map((c) => (
                    <td key={c.key}>
                      <Num n={c} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

export function VaeStepThrough() {
  const stepIndex = useVae((s) => s.lesson.step);
  const setStep = useVae((s) => s.setStep);
  const setView = useVae((s) => s.setView);
  const { update } = useVaeUpdate();
  const step = VAE_STEPS[Math.min(stepIndex, VAE_STEPS.length - 1)];
  const view = vaeStepView(update, step);
  return (
    <div className="step-layout vae-step-layout" data-step={stepIndex} data-step-kind={step.kind}>
      <div className="left">
        <Transport count={VAE_STEPS.length} step={stepIndex} onStep={setStep} />
        <div className="panel diagram">
          <Diagram update={update} stepIndex={stepIndex} />
          <p className="diagram-hint">
            Encoder edges go up (left to right); the decoder reads them back down. Click or press Enter on a unit of layer 1 or 2 to follow its credit (now{' '}
            <strong data-testid="chosen-unit">{vaeNodeName(update.unit.layer, update.unit.unit)}</strong>).
          </p>
        </div>
        <Editors />
      </div>
      <div className="right">
        <StepText view={view} />
        <Numbers view={view} toLab={step.kind === 'gradients' || step.kind === 'signal' ? () => setView('lab') : undefined} />
      </div>
    </div>
  );
}
