// Results of "inside the network" and of the detailed evaluation.
import type { StateCreator } from 'zustand/vanilla';
import type { EvaluationDetails, InspectionResult, VaeViewsResult } from '../../worker/protocol.ts';

export interface InspectionSlice {
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
