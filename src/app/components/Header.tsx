// Title, a subtitle that fits the task, the engine in one small line (the reason on demand), and
// the view switches: compare with the paper, larger type (issue 24).
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { taskSubtitle } from '../model/intro.ts';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { useShown } from './useShown.ts';

/** The engine line's text: the engine in use and why (the CPU fallback's reason), or what is loading. */
function useEngineText(): { text: string; backend: string; loading: { loaded: number; total: number } | null } {
  const { engine, loading, error, loadFailure } = usePlayground(useShallow((s) => ({ engine: s.engine, loading: s.loading, error: s.error, loadFailure: s.loadFailure })));
  let text: string;
  if (engine) {
    text = engine.info.backend === 'webgpu' ? `WebGPU engine — ${engine.info.description}` : `CPU engine — ${engine.fallbackReason ?? 'reason unknown'}`;
  } else if (loading) {
    const percent = loading.total > 0 ? ` ${Math.round((100 * loading.loaded) / loading.total)}%` : ` ${(loading.loaded / 1e6).toFixed(1)} MB`;
    text = `Loading ${loading.what}…${percent}`;
  } else if (loadFailure) text = `Not started: ${loadFailure.what} could not be loaded`;
  else if (error) text = 'Not started: the engine could not be built (see the message below)';
  else text = 'Starting the engine…';
  return { text, backend: engine?.info.backend ?? 'none', loading: loading && loading.total > 0 ? loading : null };
}

/** One small line: "CPU engine — why…", cut to one line until clicked (the whole reason then shows). */
function EngineLine() {
  const { text, backend, loading } = useEngineText();
  const [open, setOpen] = useState(false);
  return (
    <div className="engine-status" data-testid="engine-status" data-backend={backend} data-group="engine-line">
      <button type="button" className={open ? 'engine-text open' : 'engine-text'} aria-expanded={open} onClick={() => setOpen(!open)} title={open ? 'Where the training runs (click to shorten)' : 'Where the training runs, and why (click for the whole line)'}>
        {text}
      </button>
      {loading && <progress max={loading.total} value={loading.loaded} data-testid="loading-progress" aria-label="Loading" />}
    </div>
  );
}

/** "Compare with the paper" and "Larger type": display switches, kept in the URL (paper=1, large=1). */
function ViewSwitches() {
  const controller = useController();
  const { comparePaper, largeType, task } = usePlayground(useShallow((s) => ({ comparePaper: s.config.comparePaper, largeType: s.config.largeType, task: s.config.task })));
  const shown = useShown();
  // the paper has numbers for the MNIST bandit (Figure 1) and the VAE (Figure 3), none for the patterns or the conv task's playground setting
  const paperTask = task === 'mnist' || task === 'vae';
  return (
    <div className="view-switches">
      {shown('paper') && paperTask && (
        <label className="switch" data-group="paper" title="Draw the paper’s final values and notes beside the live curves (where this configuration is the paper’s setting)">
          <input type="checkbox" data-testid="compare-paper" checked={comparePaper} onChange={(e) => controller.change({ comparePaper: e.target.checked })} />
          Compare with the paper
        </label>
      )}
      {shown('large') && (
        <label className="switch" data-group="large" title="Larger type for a projector">
          <input type="checkbox" data-testid="large-type" checked={largeType} onChange={(e) => controller.change({ largeType: e.target.checked })} />
          Larger type
        </label>
      )}
    </div>
  );
}

export function Header() {
  const controller = useController();
  const { notice, error, loadFailure, config } = usePlayground(useShallow((s) => ({ notice: s.engineNotice, error: s.error, loadFailure: s.loadFailure, config: s.config })));
  const shown = useShown();
  return (
    <header className="header">
      <div className="title-block">
        <h1>HNCA Playground</h1>
        <p className="subtitle" data-testid="subtitle">
          {taskSubtitle(config)} ·{' '}
          <a href="./learn.html" data-testid="learn-link" title="Step through one HNCA update on a tiny network, and check unbiasedness against the exact gradient">
            Learn: one HNCA update, step by step
          </a>{' '}
          ·{' '}
          <a href="./math.html" target="_blank" rel="noopener" data-testid="math-link" title="The math behind every chart and control: the experiments, the estimators, the variance metric (docs/math.md)">
            The math
          </a>
        </p>
      </div>
      <div className="header-side">
        {shown('engine-line') && <EngineLine />}
        <ViewSwitches />
      </div>
      {notice && (
        <div className="engine-notice" role="status" data-testid="engine-notice">
          {notice}
        </div>
      )}
      {loadFailure && (
        <div className="error" role="alert" data-testid="load-failure">
          {loadFailure.message}{' '}
          <button type="button" data-testid="retry-load" onClick={() => controller.resetSameSeed()}>
            Retry
          </button>
        </div>
      )}
      {error && (
        <div className="error" role="alert" data-testid="error">
          {error}
        </div>
      )}
    </header>
  );
}
