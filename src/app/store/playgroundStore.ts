// The playground's zustand store: a vanilla store (the worker client feeds it outside React),
// composed of typed slices. Components read it with usePlayground(selector). Each slice is a
// StateCreator of its own slice (it sets only its own fields), so no slice imports this file.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { PlaygroundConfig } from '../../playground/config.ts';
import { createConfigSlice, type ConfigSlice } from './configSlice.ts';
import { createInspectionSlice, type InspectionSlice } from './inspectionSlice.ts';
import { createMetricsSlice, type MetricsSlice } from './metricsSlice.ts';
import { createSessionSlice, type SessionSlice } from './sessionSlice.ts';
import { createContext, useContext } from 'react';

export type PlaygroundState = ConfigSlice & SessionSlice & MetricsSlice & InspectionSlice;
export type PlaygroundStore = StoreApi<PlaygroundState>;

export function createPlaygroundStore(config: PlaygroundConfig, notices: string[]): PlaygroundStore {
  return createStore<PlaygroundState>()((...a) => ({
    ...createConfigSlice(config, notices)(...a),
    ...createSessionSlice(...a),
    ...createMetricsSlice(...a),
    ...createInspectionSlice(...a),
  }));
}

export const PlaygroundStoreContext = createContext<PlaygroundStore | null>(null);

export function usePlayground<T>(selector: (state: PlaygroundState) => T): T {
  const store = useContext(PlaygroundStoreContext);
  if (!store) throw new Error('usePlayground outside PlaygroundStoreContext');
  return useStore(store, selector);
}
