// The header both Learn lessons share: the title, the lesson switch, the preset's point, the
// preset buttons, the step-through / lab tabs with the links to the playground and the math, and
// the URL's notices under it.

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

/** One preset button: its id (data-preset), its title and the one idea it teaches (its tooltip). */
export interface PresetButton<Id extends string> {
  id: Id;
  title: string;
  point: string;
}

export function LessonHeader<Id extends string>(props: {
  title: string;
  current: 'bandit' | 'vae';
  /** the chosen preset's point, under the title */
  point: string;
  pointTestId?: string;
  presets: readonly PresetButton<Id>[];
  selected: Id;
  onPreset: (id: Id) => void;
  view: 'step' | 'lab';
  onView: (view: 'step' | 'lab') => void;
  /** the math page's section for this lesson (e.g. math.html#s2-1) and what it explains */
  mathHref: string;
  mathTitle: string;
  notices: readonly string[];
  onDismissNotices: () => void;
}) {
  const { view, onView, notices } = props;
  return (
    <>
      <header className="learn-header">
        <div>
          <h1>{props.title}</h1>
          <LessonSwitch current={props.current} />
          <p className="subtitle" data-testid={props.pointTestId}>
            {props.point}
          </p>
        </div>
        <nav className="presets" aria-label="presets">
          {props.presets.map((p) => (
            <button key={p.id} className={p.id === props.selected ? 'selected' : ''} onClick={() => props.onPreset(p.id)} data-preset={p.id} title={p.point}>
              {p.title}
            </button>
          ))}
        </nav>
        <nav className="tabs" aria-label="view">
          <button className={view === 'step' ? 'selected' : ''} onClick={() => onView('step')} data-testid="tab-step">
            Step through one update
          </button>
          <button className={view === 'lab' ? 'selected' : ''} onClick={() => onView('lab')} data-testid="tab-lab">
            Exact-gradient lab
          </button>
          <a href="./index.html">← playground</a>
          <a href={props.mathHref} target="_blank" rel="noopener" data-testid="math-link" title={props.mathTitle}>
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
          <button onClick={props.onDismissNotices}>OK</button>
        </div>
      )}
    </>
  );
}
