// The configuration controls, one panel. lr, batch and speed apply mid-run; the rest reset the runs.
import { BANDIT_ESTIMATORS, type BanditEstimator } from '../../engine/types.ts';
import { RANGES, SPEED_LEVELS, TASKS, normalizeEstimators, type ControlName } from '../../playground/config.ts';
import { estimatorLabel, TASK_LABELS } from '../model/config.ts';
import { ESTIMATOR_COLORS } from '../model/palette.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { NumberField } from './NumberField.tsx';
import { PresetLinks } from './PresetLinks.tsx';
import { Labelled } from './Tooltip.tsx';
import { TOOLTIPS, ESTIMATOR_TOOLTIPS } from './controlTooltips.ts';

function speedLabel(level: number): string {
  const cap = SPEED_LEVELS[level];
  return cap === undefined || !Number.isFinite(cap) ? 'max' : `${cap}/s`;
}

export function ControlsPanel() {
  const config = usePlayground((s) => s.config);
  const controller = useController();
  const shown = (name: ControlName): boolean => !config.hide.includes(name);
  const toggleEstimator = (estimator: BanditEstimator, on: boolean): void => {
    const next = on ? [...config.estimators, estimator] : config.estimators.filter((e) => e !== estimator);
    if (next.length > 0) controller.change({ estimators: normalizeEstimators(next) });
  };
  return (
    <div className="panel controls" data-testid="controls">
      <h2>Configuration</h2>
      {shown('task') && (
        <Labelled label="Task" tooltip={TOOLTIPS.task}>
          {(id) => (
            <select id={id} data-testid="control-task" value={config.task} onChange={(e) => controller.change({ task: e.target.value === 'patterns' ? 'patterns' : 'mnist' })}>
              {TASKS.map((t) => (
                <option key={t} value={t}>
                  {TASK_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Labelled>
      )}
      {shown('hidden') && (
        <Labelled label="Hidden layers" tooltip={TOOLTIPS.hidden}>
          {(id) => <NumberField id={id} testId="control-hidden" value={config.hidden} range={RANGES.hidden} onCommit={(hidden) => controller.change({ hidden })} />}
        </Labelled>
      )}
      {shown('width') && (
        <Labelled label="Units per layer" tooltip={TOOLTIPS.width}>
          {(id) => <NumberField id={id} testId="control-width" value={config.width} range={RANGES.width} onCommit={(width) => controller.change({ width })} />}
        </Labelled>
      )}
      {shown('batch') && (
        <Labelled label="Batch size" tooltip={TOOLTIPS.batch}>
          {(id) => <NumberField id={id} testId="control-batch" value={config.batch} range={RANGES.batch} onCommit={(batch) => controller.change({ batch })} />}
        </Labelled>
      )}
      {shown('lr') && (
        <Labelled label="Learning rate" tooltip={TOOLTIPS.lr}>
          {(id) => <NumberField id={id} testId="control-lr" value={config.lr} range={RANGES.lr} onCommit={(lr) => controller.change({ lr })} />}
        </Labelled>
      )}
      {shown('optimizer') && (
        <Labelled label="Optimizer" tooltip={TOOLTIPS.optimizer}>
          {(id) => (
            <select id={id} data-testid="control-optimizer" value={config.optimizer} onChange={(e) => controller.change({ optimizer: e.target.value === 'sgd' ? 'sgd' : 'adam' })}>
              <option value="adam">Adam</option>
              <option value="sgd">SGD</option>
            </select>
          )}
        </Labelled>
      )}
      {shown('values') && (
        <Labelled label="Hidden values" tooltip={TOOLTIPS.values}>
          {(id) => (
            <select id={id} data-testid="control-values" value={config.hiddenValues} onChange={(e) => controller.change({ hiddenValues: e.target.value === '01' ? '01' : 'pm1' })}>
              <option value="pm1">±1 (centered)</option>
              <option value="01">0/1</option>
            </select>
          )}
        </Labelled>
      )}
      {shown('units') && (
        <Labelled label="Hidden units" tooltip={TOOLTIPS.units}>
          {(id) => (
            <select id={id} data-testid="control-units" value={config.units} onChange={(e) => controller.change({ units: e.target.value === 'categorical' ? 'categorical' : 'bernoulli' })}>
              <option value="bernoulli">Bernoulli</option>
              <option value="categorical">categorical</option>
            </select>
          )}
        </Labelled>
      )}
      {shown('units') && config.units === 'categorical' && (
        <Labelled label="Values N" tooltip={TOOLTIPS.categories}>
          {(id) => <NumberField id={id} testId="control-categories" value={config.categories} range={RANGES.categories} onCommit={(categories) => controller.change({ categories })} />}
        </Labelled>
      )}
      {shown('estimators') && (
        <fieldset className="control estimators" title={TOOLTIPS.estimators}>
          <legend>Estimators (trained side by side)</legend>
          {BANDIT_ESTIMATORS.map((e) => (
            <label key={e} className="checkbox" title={ESTIMATOR_TOOLTIPS[e]}>
              <input type="checkbox" data-testid={`control-estimator-${e}`} checked={config.estimators.includes(e)} onChange={(ev) => toggleEstimator(e, ev.target.checked)} />
              <span className="swatch" style={{ background: ESTIMATOR_COLORS[e] }} />
              {estimatorLabel(e)}
              <span className="tooltip" role="tooltip">
                {ESTIMATOR_TOOLTIPS[e]}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {shown('seeds') && (
        <Labelled label="Seeds" tooltip={TOOLTIPS.seeds}>
          {(id) => <NumberField id={id} testId="control-seeds" value={config.seeds} range={RANGES.seeds} onCommit={(seeds) => controller.change({ seeds })} />}
        </Labelled>
      )}
      {shown('epochs') && (
        <Labelled label="Epochs" tooltip={TOOLTIPS.epochs}>
          {(id) => <NumberField id={id} testId="control-epochs" value={config.epochs} range={RANGES.epochs} onCommit={(epochs) => controller.change({ epochs })} />}
        </Labelled>
      )}
      {shown('test') && (
        <Labelled label="Test images" tooltip={TOOLTIPS.test}>
          {(id) => <NumberField id={id} testId="control-test" value={config.testImages} range={RANGES.testImages} onCommit={(testImages) => controller.change({ testImages })} />}
        </Labelled>
      )}
      {shown('speed') && (
        <Labelled label={`Speed (${speedLabel(config.speed)})`} tooltip={TOOLTIPS.speed}>
          {(id) => (
            <input id={id} data-testid="control-speed" type="range" min={0} max={SPEED_LEVELS.length - 1} step={1} value={config.speed} onChange={(e) => controller.change({ speed: Number(e.target.value) })} />
          )}
        </Labelled>
      )}
      {shown('engine') && (
        <Labelled label="Engine" tooltip={TOOLTIPS.engine}>
          {(id) => (
            <select id={id} data-testid="control-engine" value={config.engine} onChange={(e) => controller.change({ engine: e.target.value === 'cpu' ? 'cpu' : e.target.value === 'webgpu' ? 'webgpu' : 'auto' })}>
              <option value="auto">auto</option>
              <option value="webgpu">WebGPU</option>
              <option value="cpu">CPU</option>
            </select>
          )}
        </Labelled>
      )}
      <p className="seed-line">
        Seeds {config.firstSeed}
        {config.seeds > 1 ? `–${config.firstSeed + config.seeds - 1}` : ''}
      </p>
      <PresetLinks />
    </div>
  );
}
