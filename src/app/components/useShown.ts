// Whether a control or group is shown: not named in the configuration's `hide` list (URL `hide=`).
import { useCallback } from 'react';
import type { ControlName } from '../../playground/config.ts';
import { usePlayground } from '../store/playgroundStore.ts';

/** A function telling whether the group `name` is shown (not hidden by the link's `hide=`). */
export function useShown(): (name: ControlName) => boolean {
  const hide = usePlayground((s) => s.config.hide);
  return useCallback((name: ControlName) => !hide.includes(name), [hide]);
}
