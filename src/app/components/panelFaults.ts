// Faults the browser tests inject into a panel (with ?test-hooks=1 only: main.tsx then exposes
// window.hncaPanelFault), so that a test can prove an error stays in its panel (PanelBoundary).
import { useSyncExternalStore } from 'react';

const faults = new Map<string, string>();
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Makes panel `id` throw `message` on its next render (test hooks only). */
export function injectPanelFault(id: string, message: string): void {
  faults.set(id, message);
  notify();
}

/** Removes panel `id`'s injected fault (its boundary's reset calls this). */
export function clearPanelFault(id: string): void {
  if (faults.delete(id)) notify();
}

/** The message panel `id` must throw, or undefined. */
export function usePanelFault(id: string): string | undefined {
  return useSyncExternalStore(
    subscribe,
    () => faults.get(id),
    () => undefined,
  );
}
