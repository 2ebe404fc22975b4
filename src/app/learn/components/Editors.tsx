// The lesson's knobs: seed, ±1 or 0/1 values, the input, the reward table and any weight
// (chosen in the list or by clicking its edge; typed, or dragged with the slider).
import { NumberField } from '../../components/NumberField.tsx';
import { LESSON_RANGES, WEIGHT_LIMIT } from '../model/lesson.ts';
import { nodeName, paramInfos } from '../model/names.ts';
import type { LessonData } from './hooks.ts';
import { useLearn } from './context.ts';

export function Editors({ data }: { data: LessonData }) {
  const lesson = useLearn((s) => s.lesson);
  const selected = useLearn((s) => s.selectedParam);
  const setSeed = useLearn((s) => s.setSeed);
  const setHiddenValues = useLearn((s) => s.setHiddenValues);
  const setInput = useLearn((s) => s.setInput);
  const setReward = useLearn((s) => s.setReward);
  const setWeight = useLearn((s) => s.setWeight);
  const selectParam = useLearn((s) => s.selectParam);
  const { sizes } = data;
  const infos = paramInfos(sizes);
  const info = infos[Math.min(selected, infos.length - 1)];
  const w = lesson.weights[info.index];
  return (
    <div className="panel editors">
      <label title="The seed picks the uniform random numbers of this update: same seed, same samples.">
        seed <NumberField ariaLabel="seed" value={lesson.seed} range={LESSON_RANGES.seed} onCommit={setSeed} />
        <button onClick={() => setSeed(lesson.seed + 1)}>new sample</button>
      </label>
      <label title="Hidden units pass on h = 2φ − 1 (±1, the paper's choice) or h = φ (0/1).">
        values{' '}
        <select aria-label="hidden values" value={lesson.hiddenValues} onChange={(e) => setHiddenValues(e.target.value === '01' ? '01' : 'pm1')}>
          <option value="pm1">±1</option>
          <option value="01">0/1</option>
        </select>
      </label>
      <span className="group" title="The context x: click an input to toggle it.">
        input{' '}
        {lesson.x.map((v, j) => (
          <button key={j} className={v ? 'selected' : ''} onClick={() => setInput(j, v ? 0 : 1)} aria-pressed={v === 1} title={`Input ${nodeName(sizes, 0, j)}: click to set it to ${v ? 0 : 1}`}>
            {nodeName(sizes, 0, j)}={v}
          </button>
        ))}
      </span>
      <span className="group" title="r(a): the reward of each action. The network only ever sees r of the action it took.">
        reward{' '}
        {lesson.rewards.map((v, a) => (
          <span key={a} className="reward">
            r({nodeName(sizes, sizes.length - 1, a)}) <NumberField ariaLabel={`reward ${a + 1}`} value={v} range={LESSON_RANGES.reward} step={0.1} onCommit={(r) => setReward(a, r)} />
          </span>
        ))}
      </span>
      <span className="group weight-editor" title="Pick a weight here or click its edge in the diagram; type a value or drag the slider.">
        weight{' '}
        <select aria-label="weight" value={info.index} onChange={(e) => selectParam(Number(e.target.value))}>
          {infos.map((p) => (
            <option key={p.index} value={p.index}>
              {p.label}
            </option>
          ))}
        </select>
        <input type="range" aria-label="drag weight" min={-WEIGHT_LIMIT} max={WEIGHT_LIMIT} step={0.01} value={w} onChange={(e) => setWeight(info.index, Number(e.target.value))} />
        <NumberField ariaLabel="weight value" value={Math.round(w * 1e4) / 1e4} range={LESSON_RANGES.weight} step={0.1} title={`within ±${WEIGHT_LIMIT}`} onCommit={(v) => setWeight(info.index, v)} />
      </span>
    </div>
  );
}
