// The Learn store, provided to every component of the page.
import { createContext, useContext } from 'react';
import type { LearnStore, LearnStoreHook } from '../store.ts';

export const LearnStoreContext = createContext<LearnStoreHook | null>(null);

export function useLearn<T>(select: (s: LearnStore) => T): T {
  const store = useContext(LearnStoreContext);
  if (!store) throw new Error('useLearn outside LearnStoreContext');
  return store(select);
}
