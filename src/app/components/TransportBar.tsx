// Play / pause / one update / N updates / reset with the same seed / new seed; after a finished
// run, "train N more epochs" (the epoch budget grows without a reset) beside Reset.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { NumberField } from './NumberField.tsx';

/** The updates +N may ask for at once. */
export const STEP_N_RANGE = { min: 1, max: 100_000, integer: true } as const;

/** Epochs a finished run is offered to train on: 10, or the whole budget again when it is smaller. */
export function moreEpochs(epochs: number): number {
  return Math.max(1, Math.min(10, epochs));
}

export function TransportBar() {
  const controller = useController();
  const { playing, finished, ready, epochs } = usePlayground(
    useShallow((s) => ({ playing: s.status.playing, finished: s.status.finished, ready: s.engine !== null && s.workerDead === null, epochs: s.config.epochs })),
  );
  const [n, setN] = useState(10);
  // the worker's status keeps `playing` when the budget is spent: a finished run is not playing
  const running = playing && !finished;
  const more = moreEpochs(epochs);
  return (
    <div className="panel transport" data-testid="transport" data-state={finished ? 'finished' : running ? 'playing' : 'paused'}>
      {finished ? (
        <button
          type="button"
          className="primary"
          data-testid="train-more"
          disabled={!ready}
          onClick={() => {
            controller.change({ epochs: epochs + more });
            controller.play();
          }}
          title={`The ${epochs}-epoch budget is spent: train ${more} more epochs from where the runs stopped (or reset to start again)`}
        >
          ▶ Train {more} more {more === 1 ? 'epoch' : 'epochs'}
        </button>
      ) : running ? (
        <button type="button" className="primary" data-testid="pause" onClick={controller.pause} title="Pause training (the runs keep their state)">
          ❚❚ Pause
        </button>
      ) : (
        <button type="button" className="primary" data-testid="play" disabled={!ready} onClick={controller.play} title="Train all runs until paused or the epoch budget is spent">
          ▶ Play
        </button>
      )}
      <button type="button" data-testid="step-one" disabled={!ready || running || finished} onClick={() => controller.step(1)} title="One update of every run (one minibatch)">
        +1 update
      </button>
      <span className="step-n">
        <button type="button" data-testid="step-n" disabled={!ready || running || finished} onClick={() => controller.step(n)} title="N updates of every run, then pause">
          +N
        </button>
        <NumberField ariaLabel="N updates" testId="step-n-count" value={n} range={STEP_N_RANGE} maxReason="the most one +N click runs" onCommit={setN} />
      </span>
      {finished && (
        <span className="finished-note" data-testid="finished-note" role="status">
          Finished: {epochs} epochs trained.
        </span>
      )}
      <button type="button" data-testid="reset-same" onClick={controller.resetSameSeed} title="Start again with the same seeds: the same initial weights and minibatches, a fair re-run">
        ↺ Reset (same seed)
      </button>
      <button type="button" data-testid="reset-new" onClick={controller.resetNewSeed} title="Start again with fresh seeds: new initial weights and minibatches">
        ⤮ New seed
      </button>
    </div>
  );
}
