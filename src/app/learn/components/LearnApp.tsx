// The Learn page: presets, the step-through / lab tabs, notices and the hover explanation bar.
import { PRESET_IDS, getPreset } from '../model/presets.ts';
import { LabView } from '../lab/LabView.tsx';
import { useLearn } from './context.ts';
import { useLessonData } from './hooks.ts';
import { StepThrough } from './StepThrough.tsx';
import { PanelBoundary } from '../../components/PanelBoundary.tsx';
import { LessonSwitch } from '../vae/VaeApp.tsx';

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
      <header className="learn-header">
        <div>
          <h1>Learn HNCA</h1>
          <LessonSwitch current="bandit" />
          <p className="subtitle">{getPreset(preset).point}</p>
        </div>
        <nav className="presets" aria-label="presets">
          {PRESET_IDS.map((id) => (
            <button key={id} className={id === preset ? 'selected' : ''} onClick={() => setPreset(id)} data-preset={id} title={getPreset(id).point}>
              {getPreset(id).title}
            </button>
          ))}
        </nav>
        <nav className="tabs" aria-label="view">
          <button className={view === 'step' ? 'selected' : ''} onClick={() => setView('step')} data-testid="tab-step">
            Step through one update
          </button>
          <button className={view === 'lab' ? 'selected' : ''} onClick={() => setView('lab')} data-testid="tab-lab">
            Exact-gradient lab
          </button>
          <a href="./index.html">← playground</a>
          <a href="./math.html#s2-1" target="_blank" rel="noopener" data-testid="math-link" title="HNCA's estimator, its messages and why it is unbiased (docs/math.md §2.1)">
            the math
          </a>
        </nav>
      </header>
      {notices.length > 0 && (
        <div className="notice" role="status">
          <ul>
            {notices.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
          <button onClick={dismissNotices}>OK</button>
        </div>
      )}
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
        {explanation || 'Hover any number to see what it is.'}
      </footer>
    </div>
  );
}
