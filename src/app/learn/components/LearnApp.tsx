// The Learn page: presets, the step-through / lab tabs, notices and the hover explanation bar.
import { PRESET_IDS, getPreset } from '../model/presets.ts';
import { LabView } from '../lab/LabView.tsx';
import { useLearn } from './context.ts';
import { useLessonData } from './hooks.ts';
import { StepThrough } from './StepThrough.tsx';
import { PanelBoundary } from '../../components/PanelBoundary.tsx';
import { LessonHeader } from './LessonHeader.tsx';

export function LearnApp() {
  const preset = useLearn((s) => s.lesson.preset);
  const view = useLearn((s) => s.lesson.view);
  const notices = useLearn((s) => s.notices);
  const explanation = useLearn((s) => s.explanation);
  const setPreset = useLearn((s) => s.setPreset);
  const setView = useLearn((s) => s.setView);
  const dismissNotices = useLearn((s) => s.dismissNotices);
  const data = useLessonData();
  return (
    <div className="learn">
      <LessonHeader
        title="Learn HNCA"
        current="bandit"
        point={getPreset(preset).point}
        presets={PRESET_IDS.map((id) => ({ id, title: getPreset(id).title, point: getPreset(id).point }))}
        selected={preset}
        onPreset={setPreset}
        view={view}
        onView={setView}
        mathHref="./math.html#s2-1"
        mathTitle="HNCA's estimator, its messages and why it is unbiased (docs/math.md §2.1)"
        notices={notices}
        onDismissNotices={dismissNotices}
      />
      <main>
        {view === 'step' ? (
          <PanelBoundary id="step" name="step-through view">
            <StepThrough data={data} />
          </PanelBoundary>
        ) : (
          <PanelBoundary id="lab" name="exact-gradient lab">
            <LabView data={data} />
          </PanelBoundary>
        )}
      </main>
      <footer className="explain-bar" data-testid="explanation">
        {explanation || 'Hover, tap or tab to any number to see what it is.'}
      </footer>
    </div>
  );
}
