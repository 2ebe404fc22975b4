// The Learn page's second lesson: one f-HNCA update of a tiny discrete VAE (docs/math.md §3.1),
// its step-through and its exact-gradient lab. The hover bar is the bandit lesson's (useLearn).
import { PanelBoundary } from '../../components/PanelBoundary.tsx';
import { useLearn } from '../components/context.ts';
import { getVaePreset, VAE_PRESET_IDS } from './lesson.ts';
import { useVae } from './context.ts';
import { VaeLab } from './VaeLab.tsx';
import { VaeStepThrough } from './VaeStepThrough.tsx';

/** Links between the two lessons (full page loads: each lesson has its own URL state). */
export function LessonSwitch({ current }: { current: 'bandit' | 'vae' }) {
  return (
    <nav className="lesson-switch" aria-label="lesson">
      <a href="./learn.html" className={current === 'bandit' ? 'selected' : ''} aria-current={current === 'bandit' ? 'page' : undefined} data-testid="lesson-bandit">
        Bandit (HNCA)
      </a>
      <a href="./learn.html?lesson=vae" className={current === 'vae' ? 'selected' : ''} aria-current={current === 'vae' ? 'page' : undefined} data-testid="lesson-vae">
        Discrete VAE (f-HNCA)
      </a>
    </nav>
  );
}

export function VaeApp() {
  const preset = useVae((s) => s.lesson.preset);
  const view = useVae((s) => s.lesson.view);
  const notices = useVae((s) => s.notices);
  const setPreset = useVae((s) => s.setPreset);
  const setView = useVae((s) => s.setView);
  const dismissNotices = useVae((s) => s.dismissNotices);
  const explanation = useLearn((s) => s.explanation);
  return (
    <div className="learn vae-lesson">
      <header className="learn-header">
        <div>
          <h1>Learn f-HNCA</h1>
          <LessonSwitch current="vae" />
          <p className="subtitle" data-testid="preset-point">{getVaePreset(preset).point}</p>
        </div>
        <nav className="presets" aria-label="presets">
          {VAE_PRESET_IDS.map((id) => (
            <button key={id} className={id === preset ? 'selected' : ''} onClick={() => setPreset(id)} data-preset={id} title={getVaePreset(id).point}>
              {getVaePreset(id).title}
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
          <a href="./math.html#s3-1" target="_blank" rel="noopener" data-testid="math-link" title="f-HNCA's five terms, the baseline and the mediated components (docs/math.md §3.1)">
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
          <PanelBoundary id="vae-step" name="VAE step-through view">
            <VaeStepThrough />
          </PanelBoundary>
        ) : (
          <PanelBoundary id="vae-lab" name="VAE exact-gradient lab">
            <VaeLab />
          </PanelBoundary>
        )}
      </main>
      <footer className="explain-bar" data-testid="explanation">
        {explanation || 'Hover or focus any number to see what it is.'}
      </footer>
    </div>
  );
}
