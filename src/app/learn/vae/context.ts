// The VAE lesson's store, provided to its components.
import { createContext, useContext, useMemo } from 'react';
import { exactVae, explainVaeUpdate, lessonDraws, type VaeUpdateExplained } from '../../../models/vae/explain.ts';
import type { VaeParams } from '../../../models/vae/params.ts';
import { vaeLessonParams } from './lesson.ts';
import type { VaeStore, VaeStoreHook } from './store.ts';

export const VaeStoreContext = createContext<VaeStoreHook | null>(null);

export function useVae<T>(select: (s: VaeStore) => T): T {
  const store = useContext(VaeStoreContext);
  if (!store) throw new Error('useVae outside VaeStoreContext');
  return store(select);
}

/** The lesson's network and its explained update for the current seed and unit. */
export function useVaeUpdate(): { params: VaeParams; update: VaeUpdateExplained } {
  const weights = useVae((s) => s.lesson.weights);
  const x = useVae((s) => s.lesson.x);
  const seed = useVae((s) => s.lesson.seed);
  const layer = useVae((s) => s.lesson.layer);
  const unit = useVae((s) => s.lesson.unit);
  const params = useMemo(() => vaeLessonParams({ weights }), [weights]);
  const exact = useMemo(() => exactVae(params, x), [params, x]);
  const update = useMemo(() => explainVaeUpdate(params, x, lessonDraws(params, seed), layer, unit, exact), [params, x, seed, layer, unit, exact]);
  return { params, update };
}
