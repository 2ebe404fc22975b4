// The training worker's model files: Save model (the engine's state and the session's progress)
// and Load model (a saved state checked and imported aside, installed only when it fits, so a
// refused file changes nothing).
import { engineStateToJson, isCheckpointable } from '../engine/state.ts';
import { engineConfigOf, type PlaygroundConfig } from '../playground/config.ts';
import { CANCELLED_BY_IMPORT, NO_ENGINE_YET, datasetFor, install } from './engineLifecycle.ts';
import { selectEngine } from './engineSelection.ts';
import { decodeSavedTraining, type SessionCheckpoint } from './savedTraining.ts';
import { RequestCancelled } from './trainingSession.ts';
import { messageOf, type WorkerState } from './workerState.ts';

/**
 * Sends the current session's engine state and progress (for a model file).
 * @throws RequestCancelled without a session; Error for an engine that cannot export its state
 */
export async function exportModel(state: WorkerState, requestId: number): Promise<void> {
  const current = state.session;
  if (!current) throw new RequestCancelled(NO_ENGINE_YET);
  if (!current.checkpointable) throw new Error(`the ${current.engine.info.description} cannot export its state`);
  const { checkpoint, snapshot } = await current.checkpoint();
  state.post(snapshot); // the points up to the saved state reach the page before the state does
  state.post({ type: 'model', requestId, saved: { engine: engineStateToJson(checkpoint.state), progress: checkpoint.progress } });
}

/**
 * Continues from a model file's training state with its configuration. Everything is built
 * and checked aside; the current session is replaced only when the state fits, so a refused
 * file changes nothing (the page is answered with the one-line reason).
 * @throws RequestCancelled when the configuration changed while the file was loaded
 */
export async function importModel(state: WorkerState, requestId: number, config: PlaygroundConfig, saved: unknown, source: string): Promise<void> {
  const refuse = (message: string): void => state.post({ type: 'modelImport', requestId, error: message });
  let checkpoint: SessionCheckpoint;
  try {
    checkpoint = decodeSavedTraining(saved, source);
  } catch (error) {
    refuse(messageOf(error));
    return;
  }
  const id = ++state.configuration;
  const data = await datasetFor(state, config);
  const { engine, fallbackReason } = await selectEngine({ config: engineConfigOf(config), data }, config.engine);
  state.track(engine);
  try {
    if (!isCheckpointable(engine)) throw new Error(`the ${engine.info.description} cannot import a saved state`);
    await engine.importState(checkpoint.state, source);
  } catch (error) {
    engine.dispose();
    if (id !== state.configuration) throw new RequestCancelled('the configuration changed before the file was loaded');
    refuse(messageOf(error));
    return;
  }
  if (id !== state.configuration) {
    engine.dispose();
    throw new RequestCancelled('the configuration changed before the file was loaded');
  }
  state.session?.dispose(CANCELLED_BY_IMPORT);
  install(state, config, data, engine, fallbackReason, checkpoint.progress, requestId);
}
