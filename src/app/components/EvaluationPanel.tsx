// Placeholder until written.
export function EvaluationPanel() {
  return null;
}
