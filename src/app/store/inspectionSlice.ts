// Results of "inside the network" and of the detailed evaluation.
import type { StateCreator } from 'zustand/vanilla';
import type { EvaluationDetails, InspectionResult } from '../../worker/protocol.ts';

export interface InspectionSlice {
  testIndex: number;
  inspection: InspectionResult | null;
  drawnInspection: InspectionResult | null;
  evaluation: EvaluationDetails | null;
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
  setTestIndex: (testIndex) => set({ testIndex }),
  setInspection: (result) => set(result.testIndex === null ? { drawnInspection: result } : { inspection: result }),
  setEvaluation: (evaluation) => set({ evaluation }),
  clearInspections: () => set({ inspection: null, drawnInspection: null, evaluation: null }),
});
