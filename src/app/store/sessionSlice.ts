// What the worker says about the engine and the training: engine in use, loading, status, errors.
import type { StateCreator } from 'zustand/vanilla';
import type { EngineReady, LoadingProgress, TrainingStatus } from '../../worker/protocol.ts';

export const IDLE_STATUS: TrainingStatus = {
  playing: false,
  updates: 0,
  epoch: 0,
  epochs: 0,
  updatesPerSecond: 0,
  elapsedSeconds: 0,
  etaSeconds: Number.NaN,
  finished: false,
};

export interface SessionSlice {
  engine: EngineReady | null;
  loading: LoadingProgress | null;
  status: TrainingStatus;
  error: string | null;
  setEngine: (engine: EngineReady | null) => void;
  setLoading: (loading: LoadingProgress | null) => void;
  setStatus: (status: TrainingStatus) => void;
  setError: (error: string | null) => void;
}

export const createSessionSlice: StateCreator<SessionSlice> = (set) => ({
  engine: null,
  loading: null,
  status: IDLE_STATUS,
  error: null,
  setEngine: (engine) => set({ engine, loading: null }),
  setLoading: (loading) => set({ loading }),
  setStatus: (status) => set({ status }),
  setError: (error) => set({ error }),
});
