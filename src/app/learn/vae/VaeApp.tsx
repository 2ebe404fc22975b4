// The Learn page's second lesson: one f-HNCA update of a tiny discrete VAE (docs/math.md §3.1),
// its step-through and its exact-gradient lab. The hover bar is the bandit lesson's (useLearn).
import { PanelBoundary } from '../../components/PanelBoundary.tsx';
import { useLearn } from '../components/context.ts';
import { LessonHeader } from '../components/LessonHeader.tsx';
import { getVaePreset, VAE_PRESET_IDS } from './lesson.ts';
import { useVae } from './context.ts';
import { VaeLab } from './VaeLab.tsx';
import { VaeStepThrough } from './VaeStepThrough.tsx';

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
      <LessonHeader
        title="Learn f-HNCA"
        current="vae"
        point={getVaePreset(preset).point}
        pointTestId="preset-point"
        presets={VAE_PRESET_IDS.map((id) => ({ id, title: getVaePreset(id).title, point: getVaePreset(id).point }))}
        selected={preset}
        onPreset={setPreset}
        view={view}
        onView={setView}
        mathHref="./math.html#s3-1"
        mathTitle="f-HNCA's five terms, the baseline and the mediated components (docs/math.md §3.1)"
        notices={notices}
        onDismissNotices={dismissNotices}
      />
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
