// Epoch, updates, updates/s, elapsed and ETA, and runs that stopped on a non-finite value.
import { useShallow } from 'zustand/react/shallow';
import { estimatorLabel } from '../model/config.ts';
import { formatDuration } from '../model/format.ts';
import { etaText } from '../model/pace.ts';
import type { RunSpec } from '../../engine/types.ts';
import { usePlayground } from '../store/playgroundStore.ts';

const NO_RUNS: readonly RunSpec[] = [];

export function StatusBar() {
  const { status, failures, runs } = usePlayground(useShallow((s) => ({ status: s.status, failures: s.failures, runs: s.engine?.runs ?? NO_RUNS })));
  return (
    <div className="panel status" data-testid="status">
      <span title="Fractional epoch: training examples seen / training-set size">
        Epoch <b data-testid="status-epoch">{status.epoch.toFixed(2)}</b> / {status.epochs}
      </span>
      <span title="Updates done by every run (one update = one minibatch)">
        Updates <b data-testid="status-updates">{status.updates}</b>
      </span>
      <span title="Updates per second over the last few seconds (all runs together count once); — until the first chunks of training have been timed">
        <b data-testid="status-speed">{Number.isFinite(status.updatesPerSecond) ? status.updatesPerSecond.toFixed(1) : '—'}</b> updates/s
      </span>
      <span title="Training time (pauses excluded)">Elapsed {formatDuration(status.elapsedSeconds)}</span>
      <span title="Estimated time to the epoch budget at the current speed (shown as a time to wait only under 2 hours)" data-testid="status-eta">
        {etaText(status.etaSeconds, status.finished)}
      </span>
      <span data-testid="status-state">{status.finished ? 'finished' : status.playing ? 'training' : 'paused'}</span>
      {failures.map((f) => {
        const run = runs[f.run];
        const name = run ? `${estimatorLabel(run.estimator)} (seed ${run.seed})` : `run ${f.run}`;
        return (
          <span key={f.run} className="failure" data-testid="run-failure">
            {name} stopped at update {f.update}: {f.failure}
          </span>
        );
      })}
    </div>
  );
}
