// The VAE lesson's state (mirrored into the URL, `lesson=vae`) and its notices. The bandit
// lesson's store still provides the shared hover explanation (Num, the explanation bar).
import { create } from 'zustand';
import { parseVaeLesson, serializeVaeLesson, VAE_STEPS, vaePresetLesson, vaeWeightLimit, type VaeLessonState, type VaePresetId, type VaeView } from './lesson.ts';

export interface VaeStore {
  lesson: VaeLessonState;
  notices: string[];
  setStep(step: number): void;
  setPreset(id: VaePresetId): void;
  setView(view: VaeView): void;
  setSeed(seed: number): void;
  setPixel(j: number, value: number): void;
  setWeight(k: number, value: number): void;
  setUnit(layer: number, unit: number): void;
  setLab(patch: Partial<Pick<VaeLessonState, 'labK' | 'labParam'>>): void;
  dismissNotices(): void;
}

export function createVaeStore(search: string) {
  const { state, notices } = parseVaeLesson(search);
  return create<VaeStore>()((set) => {
    const lesson = (patch: (l: VaeLessonState) => Partial<VaeLessonState>): void => set((s) => ({ lesson: { ...s.lesson, ...patch(s.lesson) } }));
    return {
      lesson: state,
      notices,
      setStep: (step) => lesson(() => ({ step: Math.max(0, Math.min(VAE_STEPS.length - 1, step)) })),
      setPreset: (id) => set((s) => ({ lesson: { ...vaePresetLesson(id), view: s.lesson.view, seed: s.lesson.seed, step: s.lesson.step } })),
      setView: (view) => lesson(() => ({ view })),
      setSeed: (seed) => lesson(() => ({ seed: Number.isFinite(seed) ? Math.max(0, Math.min(2 ** 31 - 1, Math.floor(seed))) : 0 })),
      setPixel: (j, value) => lesson((l) => ({ x: l.x.map((v, k) => (k === j ? value : v)) })),
      setWeight: (k, value) =>
        lesson((l) => (Number.isFinite(value) ? { weights: l.weights.map((v, i) => (i === k ? Math.max(-vaeWeightLimit(k), Math.min(vaeWeightLimit(k), value)) : v)), edited: true } : {})),
      setUnit: (layer, unit) => lesson(() => ({ layer, unit })),
      setLab: (patch) => lesson(() => patch),
      dismissNotices: () => set({ notices: [] }),
    };
  });
}

export type VaeStoreHook = ReturnType<typeof createVaeStore>;

/** Keeps the address bar equal to the VAE lesson. */
export function mirrorVaeToUrl(store: VaeStoreHook): () => void {
  return store.subscribe((s, prev) => {
    if (s.lesson === prev.lesson) return;
    const query = serializeVaeLesson(s.lesson);
    if (query !== window.location.search) window.history.replaceState(null, '', `${window.location.pathname}${query}`);
  });
}
