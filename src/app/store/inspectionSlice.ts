// Results of "inside the network" and of the detailed evaluation.
import type { StateCreator } from 'zustand/vanilla';
import type { EvaluationDetails, InspectionResult, VaeViewsResult } from '../../worker/protocol.ts';

/** The view requests the page sends (each answered, or refused with a reason). */
export type ViewRequest = 'evaluate' | 'inspect' | 'viewVae';

export interface InspectionSlice {
  /** per view request: requests sent and not yet answered */
  pendingViews: Record<ViewRequest, number>;
  /** per view request: why the last one was not answered (one user-facing line); cleared by its next answer */
  viewFailures: Partial<Record<ViewRequest, string>>;
  /** a request of `kind` was sent (+1) or settled (−1, with its failure line or null) */
  noteViewRequest: (kind: ViewRequest, change: 1 | -1, failure?: string | null) => void;
  testIndex: number;
  inspection: InspectionResult | null;
  drawnInspection: InspectionResult | null;
  evaluation: EvaluationDetails | null;
  /** the latest VAE views (reconstructions, prior samples, layers of the chosen digit) */
  vaeViews: VaeViewsResult | null;
  setVaeViews: (views: VaeViewsResult) => void;
  setTestIndex: (index: number) => void;
  setInspection: (result: InspectionResult) => void;
  setEvaluation: (result: EvaluationDetails) => void;
  clearInspections: () => void;
}

export const createInspectionSlice: StateCreator<InspectionSlice> = (set) => ({
  pendingViews: { evaluate: 0, inspect: 0, viewVae: 0 },
  viewFailures: {},
  noteViewRequest: (kind, change, failure) =>
    set((state) => ({
      pendingViews: { ...state.pendingViews, [kind]: Math.max(0, state.pendingViews[kind] + change) },
      viewFailures: change === 1 || failure === undefined ? state.viewFailures : { ...state.viewFailures, [kind]: failure ?? undefined },
    })),
  testIndex: 0,
  inspection: null,
  drawnInspection: null,
  evaluation: null,
  vaeViews: null,
  setVaeViews: (vaeViews) => set({ vaeViews }),
  setTestIndex: (testIndex) => set({ testIndex }),
  setInspection: (result) => set(result.testIndex === null ? { drawnInspection: result } : { inspection: result }),
  setEvaluation: (evaluation) => set({ evaluation }),
  clearInspections: () => set({ inspection: null, drawnInspection: null, evaluation: null, vaeViews: null }),
});
