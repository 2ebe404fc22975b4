// The configuration the controls edit, and the notices about ignored URL parameters.
import type { StateCreator } from 'zustand/vanilla';
import type { PlaygroundConfig } from '../../playground/config.ts';

export interface ConfigSlice {
  config: PlaygroundConfig;
  notices: string[];
  setConfig: (config: PlaygroundConfig) => void;
  dismissNotices: () => void;
}

export const createConfigSlice =
  (initial: PlaygroundConfig, notices: string[]): StateCreator<ConfigSlice> =>
  (set) => ({
    config: initial,
    notices,
    setConfig: (config) => set({ config }),
    dismissNotices: () => set({ notices: [] }),
  });
