// Title and the engine in use, with the reason when it is the CPU fallback.
import { useShallow } from 'zustand/react/shallow';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';

export function Header() {
  const controller = useController();
  const { engine, loading, error, notice, loadFailure } = usePlayground(
    useShallow((s) => ({ engine: s.engine, loading: s.loading, error: s.error, notice: s.engineNotice, loadFailure: s.loadFailure })),
  );
  let text: string;
  if (engine) {
    text = engine.info.backend === 'webgpu' ? `WebGPU engine — ${engine.info.description}` : `CPU engine — ${engine.fallbackReason ?? 'reason unknown'}`;
  } else if (loading) {
    const percent = loading.total > 0 ? ` ${Math.round((100 * loading.loaded) / loading.total)}%` : ` ${(loading.loaded / 1e6).toFixed(1)} MB`;
    text = `Loading ${loading.what}…${percent}`;
  } else if (loadFailure) text = `Not started: ${loadFailure.what} could not be loaded`;
  else if (error) text = 'Not started: the engine could not be built (see the message below)';
  else text = 'Starting the engine…';
  return (
    <header className="header">
      <div>
        <h1>HNCA Playground</h1>
        <p className="subtitle">
          Hindsight Network Credit Assignment vs REINFORCE on networks of stochastic binary units ·{' '}
          <a href="./learn.html" data-testid="learn-link" title="Classroom: step through one HNCA update on a tiny network, and check unbiasedness against the exact gradient">
            Learn: one HNCA update, step by step
          </a>{' '}
          ·{' '}
          <a href="./math.html" target="_blank" rel="noopener" data-testid="math-link" title="The math behind every chart and control: the experiments, the estimators, the variance metric (docs/math.md)">
            The math
          </a>
        </p>
      </div>
      <div className="engine-status" data-testid="engine-status" data-backend={engine?.info.backend ?? 'none'} title="Where the training runs: a Web Worker using WebGPU, or the TypeScript CPU engine">
        {text}
        {loading && loading.total > 0 && <progress max={loading.total} value={loading.loaded} data-testid="loading-progress" />}
        {notice && (
          <div className="engine-notice" role="status" data-testid="engine-notice">
            {notice}
          </div>
        )}
      </div>
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
