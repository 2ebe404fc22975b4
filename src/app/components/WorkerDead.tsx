// When the training worker dies: one line saying so, and a restart with the same configuration.
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';

/** The banner shown after the training worker stopped (nothing when it runs). */
export function WorkerDead() {
  const message = usePlayground((s) => s.workerDead);
  const controller = useController();
  if (message === null) return null;
  return (
    <div className="worker-dead" role="alert" data-testid="worker-dead">
      <span data-testid="worker-dead-message">{message}</span>
      <button type="button" className="primary" data-testid="restart-worker" onClick={controller.restartWorker} title="Start a new training worker with the configuration shown in the controls (training starts again from update 0)">
        Restart with the same configuration
      </button>
    </div>
  );
}
