// The configuration controls, one panel. lr, batch and speed apply mid-run; the rest reset the runs.
import { ABLATION_BASE, VAE_ABLATED_ESTIMATORS, VAE_ESTIMATORS, vaeEstimator } from '../../engine/estimators.ts';
import { BANDIT_ESTIMATORS, type BanditEstimator, type EstimatorId, type VaeEstimator } from '../../engine/types.ts';
import { CONTROL_NAMES, RANGES, SPEED_LEVELS, TASKS, isConvTask, isVaeTask, normalizeEstimators, normalizeVaeEstimators, testSetSize, type ControlName, type TaskName } from '../../playground/config.ts';
import { estimatorLabel, TASK_LABELS } from '../model/config.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { useId, useState } from 'react';
import { NumberField } from './NumberField.tsx';
import { PresetLinks } from './PresetLinks.tsx';
import { Labelled } from './Tooltip.tsx';
import { MathLink } from './MathLink.tsx';
import { TOOLTIPS, ESTIMATOR_TOOLTIPS, vaeEstimatorTooltip } from './controlTooltips.ts';

/** "all children", "full reward", "all children + full reward": an ablation's switches in words (docs/math.md §7.3). */
function ablationLabel(estimator: VaeEstimator): string {
  return vaeEstimator(estimator).ablations.map((a) => a.replace('-', ' ')).join(' + ');
}

/** One estimator's checkbox with its colour swatch and tooltip. */
function EstimatorBox({ id, label, tooltip, checked, onChange }: { id: EstimatorId; label: string; tooltip: string; checked: boolean; onChange: (on: boolean) => void }) {
  const help = useId();
  return (
    <label className="checkbox">
      <input type="checkbox" data-testid={`control-estimator-${id}`} aria-describedby={help} checked={checked} onChange={(ev) => onChange(ev.target.checked)} />
      <span className="swatch" style={{ background: ESTIMATOR_COLORS[id] }} />
      {label}
      <span className="tooltip" role="tooltip" id={help}>
        {tooltip}
      </span>
    </label>
  );
}

function speedLabel(level: number): string {
  const cap = SPEED_LEVELS[level];
  return cap === undefined || !Number.isFinite(cap) ? 'max' : `${cap}/s`;
}

/** "Seed 1" or "Seeds 1–5": the seeds the runs use (the first one changes with "New seed"). */
function seedsInWords(first: number, count: number): string {
  return count > 1 ? `Seeds used: ${first}–${first + count - 1}` : `Seed used: ${first}`;
}

/** The groups this panel shows: every control, and the presets and sharing links. */
const PANEL_GROUPS: readonly ControlName[] = CONTROL_NAMES.filter((c) => !['model', 'engine-line', 'paper', 'notes', 'large', 'intro', 'inside', 'evaluation', 'export'].includes(c));

/** Below this width the layout is one column and the configuration starts folded (playground.css). */
const NARROW_QUERY = '(max-width: 800px)';

export function ControlsPanel() {
  const config = usePlayground((s) => s.config);
  // folded on a phone (the charts come first), open on a wider screen; the user's toggle then holds
  const [open, setOpen] = useState(() => typeof window === 'undefined' || !window.matchMedia(NARROW_QUERY).matches);
  const controller = useController();
  const shown = (name: ControlName): boolean => !config.hide.includes(name);
  const vae = isVaeTask(config.task);
  // the conv bandit (docs/math.md §7.2) has one Bernoulli layer after its trunk: no depth, no categorical units
  const conv = isConvTask(config.task);
  const toggleEstimator = (estimator: BanditEstimator, on: boolean): void => {
    const next = on ? [...config.estimators, estimator] : config.estimators.filter((e) => e !== estimator);
    if (next.length > 0) controller.change({ estimators: normalizeEstimators(next) });
  };
  const toggleVaeEstimator = (estimator: VaeEstimator, on: boolean): void => {
    const next = on ? [...config.vaeEstimators, estimator] : config.vaeEstimators.filter((e) => e !== estimator);
    if (next.length > 0) controller.change({ vaeEstimators: normalizeVaeEstimators(next) });
  };
  // a classroom link may hide every setting: then no empty panel either
  if (!PANEL_GROUPS.some(shown)) return null;
  return (
    <details className="panel controls" data-testid="controls" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h2>Configuration</h2>
      </summary>
      {shown('task') && (
        <Labelled group="task" stacked label="Task" tooltip={TOOLTIPS.task}>
          {(id, help) => (
            <select id={id} aria-describedby={help} data-testid="control-task" value={config.task} onChange={(e) => controller.change({ task: TASKS.find((t): t is TaskName => t === e.target.value) ?? 'mnist' })}>
              {TASKS.map((t) => (
                <option key={t} value={t}>
                  {TASK_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Labelled>
      )}
      {vae && shown('layers') && (
        <Labelled group="layers" label="Stochastic layers" tooltip={TOOLTIPS.layers}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-layers" value={config.layers} range={RANGES.layers} onCommit={(layers) => controller.change({ layers })} />}
        </Labelled>
      )}
      {!vae && !conv && shown('hidden') && (
        <Labelled group="hidden" label="Hidden layers" tooltip={TOOLTIPS.hidden}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-hidden" value={config.hidden} range={RANGES.hidden} onCommit={(hidden) => controller.change({ hidden })} />}
        </Labelled>
      )}
      {shown('width') && (
        <Labelled group="width" label="Units per layer" tooltip={TOOLTIPS.width}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-width" value={config.width} range={RANGES.width} onCommit={(width) => controller.change({ width })} />}
        </Labelled>
      )}
      {shown('batch') && (
        <Labelled group="batch" label="Batch size" tooltip={TOOLTIPS.batch}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-batch" value={config.batch} range={RANGES.batch} onCommit={(batch) => controller.change({ batch })} />}
        </Labelled>
      )}
      {shown('lr') && (
        <Labelled group="lr" label="Learning rate" tooltip={TOOLTIPS.lr}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-lr" value={config.lr} range={RANGES.lr} onCommit={(lr) => controller.change({ lr })} />}
        </Labelled>
      )}
      {shown('optimizer') && (
        <Labelled group="optimizer" label="Optimizer" tooltip={TOOLTIPS.optimizer}>
          {(id, help) => (
            <select id={id} aria-describedby={help} data-testid="control-optimizer" value={config.optimizer} onChange={(e) => controller.change({ optimizer: e.target.value === 'sgd' ? 'sgd' : 'adam' })}>
              <option value="adam">Adam</option>
              <option value="sgd">SGD</option>
            </select>
          )}
        </Labelled>
      )}
      {!vae && shown('values') && (
        <Labelled group="values" label="Hidden values" tooltip={TOOLTIPS.values}>
          {(id, help) => (
            <select id={id} aria-describedby={help} data-testid="control-values" value={config.hiddenValues} onChange={(e) => controller.change({ hiddenValues: e.target.value === '01' ? '01' : 'pm1' })}>
              <option value="pm1">±1 (centered)</option>
              <option value="01">0/1</option>
            </select>
          )}
        </Labelled>
      )}
      {!vae && !conv && shown('units') && (
        <Labelled group="units" label="Hidden units" tooltip={TOOLTIPS.units}>
          {(id, help) => (
            <select id={id} aria-describedby={help} data-testid="control-units" value={config.units} onChange={(e) => controller.change({ units: e.target.value === 'categorical' ? 'categorical' : 'bernoulli' })}>
              <option value="bernoulli">Bernoulli</option>
              <option value="categorical">categorical</option>
            </select>
          )}
        </Labelled>
      )}
      {!vae && !conv && shown('units') && config.units === 'categorical' && (
        <Labelled group="units" label="Values N" tooltip={TOOLTIPS.categories}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-categories" value={config.categories} range={RANGES.categories} onCommit={(categories) => controller.change({ categories })} />}
        </Labelled>
      )}
      {vae && shown('estimators') && (
        <fieldset className="control estimators" title={TOOLTIPS.vaeEstimators} data-group="estimators">
          <legend>
            Estimators (trained side by side) <MathLink section="3">formulas</MathLink>
          </legend>
          {VAE_ESTIMATORS.map((e) => (
            <div key={e}>
              <EstimatorBox id={e} label={vaeEstimator(e).label} tooltip={vaeEstimatorTooltip(e)} checked={config.vaeEstimators.includes(e)} onChange={(on) => toggleVaeEstimator(e, on)} />
              {e === ABLATION_BASE && (
                <div className="ablations" title="Appendix K: ablations of f-HNCA + baseline, trained beside it on the same minibatches (both stay unbiased)">
                  <span className="ablations-caption">ablations (appendix K):</span>
                  {VAE_ABLATED_ESTIMATORS.map((a) => (
                    <EstimatorBox key={a} id={a} label={ablationLabel(a)} tooltip={vaeEstimatorTooltip(a)} checked={config.vaeEstimators.includes(a)} onChange={(on) => toggleVaeEstimator(a, on)} />
                  ))}
                </div>
              )}
            </div>
          ))}
        </fieldset>
      )}
      {!vae && shown('estimators') && (
        <fieldset className="control estimators" title={TOOLTIPS.estimators} data-group="estimators">
          <legend>
            Estimators (trained side by side) <MathLink section="2.1">formulas</MathLink>
          </legend>
          {BANDIT_ESTIMATORS.map((e) => (
            <EstimatorBox key={e} id={e} label={estimatorLabel(e)} tooltip={ESTIMATOR_TOOLTIPS[e]} checked={config.estimators.includes(e)} onChange={(on) => toggleEstimator(e, on)} />
          ))}
        </fieldset>
      )}
      {shown('seeds') && (
        <Labelled group="seeds" label="Number of seeds" tooltip={TOOLTIPS.seeds} after={<span className="seed-line" data-testid="seed-line">{seedsInWords(config.firstSeed, config.seeds)}</span>}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-seeds" value={config.seeds} range={RANGES.seeds} onCommit={(seeds) => controller.change({ seeds })} />}
        </Labelled>
      )}
      {shown('epochs') && (
        <Labelled group="epochs" label="Epochs" tooltip={TOOLTIPS.epochs}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-epochs" value={config.epochs} range={RANGES.epochs} onCommit={(epochs) => controller.change({ epochs })} />}
        </Labelled>
      )}
      {vae && shown('k') && (
        <Labelled group="k" label="Test bound K" tooltip={TOOLTIPS.k}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-k" value={config.testK} range={RANGES.testK} onCommit={(testK) => controller.change({ testK })} />}
        </Labelled>
      )}
      {shown('test') && (
        <Labelled group="test" label="Test images" tooltip={TOOLTIPS.test}>
          {(id, help) => <NumberField id={id} describedBy={help} testId="control-test" value={config.testImages}
              range={{ ...RANGES.testImages, max: Math.min(RANGES.testImages.max, testSetSize(config.task)) }}
              maxReason={`the ${TASK_LABELS[config.task]} task has ${testSetSize(config.task)} test images`}
              onCommit={(testImages) => controller.change({ testImages })} />}
        </Labelled>
      )}
      {shown('speed') && (
        <Labelled group="speed" label={`Speed (${speedLabel(config.speed)})`} tooltip={TOOLTIPS.speed}>
          {(id, help) => (
            <input id={id} aria-describedby={help} data-testid="control-speed" type="range" min={0} max={SPEED_LEVELS.length - 1} step={1} value={config.speed} onChange={(e) => controller.change({ speed: Number(e.target.value) })} />
          )}
        </Labelled>
      )}
      {shown('engine') && (
        <Labelled group="engine" label="Engine" tooltip={TOOLTIPS.engine}>
          {(id, help) => (
            <select id={id} aria-describedby={help} data-testid="control-engine" value={config.engine} onChange={(e) => controller.change({ engine: e.target.value === 'cpu' ? 'cpu' : e.target.value === 'webgpu' ? 'webgpu' : 'auto' })}>
              <option value="auto">auto</option>
              <option value="webgpu">WebGPU</option>
              <option value="cpu">CPU</option>
            </select>
          )}
        </Labelled>
      )}
      {shown('presets') && <PresetLinks />}
    </details>
  );
}
