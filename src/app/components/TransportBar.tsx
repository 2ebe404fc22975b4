// Play / pause / one update / N updates / reset with the same seed / new seed.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';

export function TransportBar() {
  const controller = useController();
  const { playing, finished, ready } = usePlayground(useShallow((s) => ({ playing: s.status.playing, finished: s.status.finished, ready: s.engine !== null && s.workerDead === null })));
  const [n, setN] = useState(10);
  return (
    <div className="panel transport" data-testid="transport">
      {playing ? (
        <button type="button" className="primary" data-testid="pause" onClick={controller.pause} title="Pause training (the runs keep their state)">
          ❚❚ Pause
        </button>
      ) : (
        <button type="button" className="primary" data-testid="play" disabled={!ready || finished} onClick={controller.play} title="Train all runs until paused or the epoch budget is spent">
          ▶ Play
        </button>
      )}
      <button type="button" data-testid="step-one" disabled={!ready || playing || finished} onClick={() => controller.step(1)} title="One update of every run (one minibatch)">
        +1 update
      </button>
      <span className="step-n">
        <button type="button" data-testid="step-n" disabled={!ready || playing || finished} onClick={() => controller.step(n)} title="N updates of every run, then pause">
          +N
        </button>
        <input aria-label="N updates" data-testid="step-n-count" type="number" min={1} max={100000} value={n} onChange={(e) => setN(Math.max(1, Math.min(100000, Math.floor(Number(e.target.value)) || 1)))} />
      </span>
      <button type="button" data-testid="reset-same" onClick={controller.resetSameSeed} title="Start again with the same seeds: the same initial weights and minibatches, a fair re-run">
        ↺ Reset (same seed)
      </button>
      <button type="button" data-testid="reset-new" onClick={controller.resetNewSeed} title="Start again with fresh seeds: new initial weights and minibatches">
        ⤮ New seed
      </button>
    </div>
  );
}
