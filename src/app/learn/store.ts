// The Learn page's state: the lesson (mirrored into the URL), notices, the hovered explanation.
import { create } from 'zustand';
import type { HiddenValues } from '../../engine/types.ts';
import { lessonNetwork, parseLesson, presetLesson, serializeLesson, WEIGHT_LIMIT, type LearnView, type LessonState } from './model/lesson.ts';
import type { PresetId } from './model/presets.ts';
import { buildSteps } from './model/steps.ts';

export interface LearnStore {
  lesson: LessonState;
  notices: string[];
  /** the sentence shown for the hovered number */
  explanation: string;
  /** flat index of the weight being edited */
  selectedParam: number;
  setStep(step: number): void;
  setPreset(id: PresetId): void;
  setView(view: LearnView): void;
  setSeed(seed: number): void;
  setHiddenValues(values: HiddenValues): void;
  setInput(j: number, value: number): void;
  setReward(a: number, value: number): void;
  setWeight(e: number, value: number): void;
  selectParam(e: number): void;
  setLab(patch: Partial<Pick<LessonState, 'labK' | 'labParam' | 'labSpeed' | 'baseline'>>): void;
  explain(sentence: string): void;
  dismissNotices(): void;
}

export const stepCount = (s: LessonState): number => buildSteps(lessonNetwork(s).problem.shape.sizes).length;

export function createLearnStore(search: string) {
  const { state, notices } = parseLesson(search, stepCount);
  return create<LearnStore>()((set) => {
    const lesson = (patch: (l: LessonState) => Partial<LessonState>): void => set((s) => ({ lesson: { ...s.lesson, ...patch(s.lesson) } }));
    return {
      lesson: state,
      notices,
      explanation: '',
      selectedParam: state.labParam,
      setStep: (step) => lesson((l) => ({ step: Math.max(0, Math.min(stepCount(l) - 1, step)) })),
      setPreset: (id) => set((s) => ({ lesson: { ...presetLesson(id), view: s.lesson.view, seed: s.lesson.seed }, selectedParam: 0 })),
      setView: (view) => lesson(() => ({ view })),
      setSeed: (seed) => lesson(() => ({ seed: Math.max(0, Math.floor(seed)) })),
      setHiddenValues: (hiddenValues) => lesson(() => ({ hiddenValues })),
      setInput: (j, value) => lesson((l) => ({ x: l.x.map((v, k) => (k === j ? value : v)) })),
      setReward: (a, value) => lesson((l) => ({ rewards: l.rewards.map((v, k) => (k === a ? value : v)) })),
      setWeight: (e, value) =>
        lesson((l) => ({ weights: l.weights.map((v, k) => (k === e ? Math.max(-WEIGHT_LIMIT, Math.min(WEIGHT_LIMIT, value)) : v)), edited: true })),
      selectParam: (e) => set((s) => ({ selectedParam: e, lesson: { ...s.lesson, labParam: e } })),
      setLab: (patch) => lesson(() => patch),
      explain: (explanation) => set({ explanation }),
      dismissNotices: () => set({ notices: [] }),
    };
  });
}

export type LearnStoreHook = ReturnType<typeof createLearnStore>;

/** Keeps the address bar equal to the lesson, so the page is always a shareable link. */
export function mirrorToUrl(store: LearnStoreHook): () => void {
  return store.subscribe((s, prev) => {
    if (s.lesson === prev.lesson) return;
    const query = serializeLesson(s.lesson);
    if (query !== window.location.search) window.history.replaceState(null, '', `${window.location.pathname}${query}`);
  });
}
