// Per-class accuracy and confusion matrices from a detailed evaluation's actions.

export interface EvaluationSummary {
  classes: number;
  /** confusion[label][action] = count */
  confusion: number[][];
  perClassAccuracy: number[];
  accuracy: number;
}

export function summarizeActions(labels: Uint8Array, actions: Uint8Array, classes: number): EvaluationSummary {
  const n = Math.min(labels.length, actions.length);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    const action = actions[i];
    if (label < classes && action < classes) confusion[label][action] += 1;
    if (label === action) correct += 1;
  }
  const perClassAccuracy = confusion.map((row, c) => {
    const total = row.reduce((s, v) => s + v, 0);
    return total > 0 ? row[c] / total : Number.NaN;
  });
  return { classes, confusion, perClassAccuracy, accuracy: n > 0 ? correct / n : Number.NaN };
}
