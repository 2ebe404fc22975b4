// Downsampling of long series before drawing: charts draw at most a few hundred points
// whatever the run's length, so drawing time does not grow with training time.

/** Indices of at most `max` evenly spaced items of a list of `length`, always keeping the first and the last. */
export function downsampleIndices(length: number, max: number): number[] {
  if (length <= 0) return [];
  if (length <= max) return Array.from({ length }, (_, i) => i);
  if (max < 2) return [length - 1];
  const out: number[] = [];
  const step = (length - 1) / (max - 1);
  let last = -1;
  for (let k = 0; k < max; k++) {
    const i = Math.round(k * step);
    if (i !== last) out.push(i);
    last = i;
  }
  return out;
}

export function downsample<T>(items: readonly T[], max: number): T[] {
  return downsampleIndices(items.length, max).map((i) => items[i]);
}
