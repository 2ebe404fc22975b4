// The first screen's explanation (issue 24): what the network sees, does and is rewarded for,
// what to watch, the four classes of the patterns task, and a "press Play" cue until training starts.
import { useShallow } from 'zustand/react/shallow';
import { PATTERN_PROTOTYPES, PATTERN_SIZE } from '../../worker/patternsDataset.ts';
import { taskIntro } from '../model/intro.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { useShown } from './useShown.ts';

/** Names of the patterns task's classes, in label order (src/worker/patternsDataset.ts). */
const PATTERN_NAMES = ['horizontal bar', 'vertical bar', 'diagonal', 'frame'];

/** The four prototypes of the patterns task, 4×4 each, with their label and name. */
function PatternClasses() {
  const cell = 9;
  return (
    <ul className="pattern-classes" aria-label="The four patterns" data-testid="pattern-classes">
      {PATTERN_PROTOTYPES.map((prototype, label) => (
        <li key={prototype}>
          <svg width={cell * PATTERN_SIZE} height={cell * PATTERN_SIZE} viewBox={`0 0 ${PATTERN_SIZE} ${PATTERN_SIZE}`} role="img" aria-label={`class ${label}: ${PATTERN_NAMES[label]}`}>
            {[...prototype].map((bit, i) => (
              <rect key={i} x={i % PATTERN_SIZE} y={Math.floor(i / PATTERN_SIZE)} width={1} height={1} fill={bit === '1' ? '#1d1d1f' : '#fff'} stroke="#c8ced6" strokeWidth={0.05} />
            ))}
          </svg>
          <span>
            {label}: {PATTERN_NAMES[label]}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function Intro() {
  const controller = useController();
  const { config, started, ready, finished } = usePlayground(
    useShallow((s) => ({ config: s.config, started: s.status.updates > 0 || s.status.playing, ready: s.engine !== null && s.workerDead === null, finished: s.status.finished })),
  );
  const shown = useShown();
  if (!shown('intro')) return null;
  const intro = taskIntro(config);
  return (
    <section className="intro" data-testid="intro" data-group="intro" aria-label="What this page shows">
      <div className="intro-text">
        <p data-testid="intro-what">{intro.what}</p>
        {config.task === 'patterns' && <PatternClasses />}
        <p data-testid="intro-watch">{intro.watch}</p>
      </div>
      {!started && !finished && (
        <p className="play-cue" data-testid="play-cue">
          <button type="button" className="primary" data-testid="intro-play" disabled={!ready} onClick={controller.play}>
            ▶ Play
          </button>
          <span>{ready ? 'Press Play to start training; the charts fill in as it learns.' : 'Getting ready… then press Play to start training.'}</span>
        </p>
      )}
    </section>
  );
}
