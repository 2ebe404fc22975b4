// What the worker says about the engine and the training: engine in use, loading, status, errors.
import type { StateCreator } from 'zustand/vanilla';
import type { EngineReady, EvaluationProgress, LoadingProgress, TrainingStatus } from '../../worker/protocol.ts';

export const IDLE_STATUS: TrainingStatus = {
  playing: false,
  updates: 0,
  epoch: 0,
  epochs: 0,
  updatesPerSecond: Number.NaN,
  elapsedSeconds: 0,
  etaSeconds: Number.NaN,
  finished: false,
};

/** A one-line outcome of "Save model" / "Load model". */
export interface ModelMessage {
  kind: 'info' | 'error';
  text: string;
}

export interface SessionSlice {
  engine: EngineReady | null;
  loading: LoadingProgress | null;
  status: TrainingStatus;
  error: string | null;
  /** what happened to the engine (the WebGPU device was lost and the CPU engine took over), for the header */
  engineNotice: string | null;
  /** set when the training worker died: one line saying so (the page offers a restart) */
  workerDead: string | null;
  modelMessage: ModelMessage | null;
  /** the test evaluation in progress (the VAE's K-sample bound), null when none runs */
  evaluating: EvaluationProgress | null;
  setEvaluating: (progress: EvaluationProgress | null) => void;
  /** the training data could not be loaded: what, and one line naming the file and what went wrong (the header offers a retry) */
  loadFailure: { what: string; message: string } | null;
  setLoadFailure: (failure: { what: string; message: string } | null) => void;
  setEngine: (engine: EngineReady | null) => void;
  setLoading: (loading: LoadingProgress | null) => void;
  setStatus: (status: TrainingStatus) => void;
  setError: (error: string | null) => void;
  setEngineNotice: (notice: string | null) => void;
  setWorkerDead: (message: string | null) => void;
  setModelMessage: (message: ModelMessage | null) => void;
}

function sameStatus(a: TrainingStatus, b: TrainingStatus): boolean {
  return (Object.keys(a) as (keyof TrainingStatus)[]).every((k) => Object.is(a[k], b[k]));
}

export const createSessionSlice: StateCreator<SessionSlice> = (set) => ({
  engine: null,
  loading: null,
  status: IDLE_STATUS,
  error: null,
  engineNotice: null,
  workerDead: null,
  modelMessage: null,
  evaluating: null,
  setEvaluating: (evaluating) => set({ evaluating: evaluating && evaluating.done < evaluating.total ? evaluating : null }),
  loadFailure: null,
  setLoadFailure: (loadFailure) => set({ loadFailure, loading: null }),
  setEngine: (engine) => set({ engine, loading: null, evaluating: null }),
  setLoading: (loading) => set({ loading, loadFailure: null }),
  // the worker repeats an unchanged status while paused: no re-render for it
  setStatus: (status) => set((state) => (sameStatus(state.status, status) ? state : { status })),
  setError: (error) => set({ error }),
  setEngineNotice: (engineNotice) => set({ engineNotice }),
  setWorkerDead: (workerDead) => set({ workerDead }),
  setModelMessage: (modelMessage) => set({ modelMessage }),
});
