// Downsampling of long series before drawing: charts draw about as many rows as the plot is
// wide whatever the run's length, so drawing time does not grow with training time.

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

/**
 * Min/max-preserving downsampling of several series that share their x positions (the columns
 * of one chart's rows): the `length` positions are cut into equal buckets and each bucket keeps,
 * for every series, the index of its smallest and of its largest value (NaN and null are
 * skipped; −∞ counts as the smallest), so spikes and dips survive that striding would drop.
 * The first and last index are always kept. The bucket count is chosen so that the result has
 * at most about `maxRows` indices: floor(maxRows / (2 · series)) buckets, at least one.
 *
 * @param length number of positions (rows before downsampling)
 * @param maxRows about how many indices to return (a chart passes its plot width in pixels)
 * @param series one accessor per series: its value at a position, or null where it has none
 * @returns ascending distinct indices in [0, length); all of them when length ≤ maxRows
 */
export function minMaxBucketIndices(length: number, maxRows: number, series: readonly ((index: number) => number | null)[]): number[] {
  if (length <= 0) return [];
  if (length <= maxRows) return Array.from({ length }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxRows / (2 * Math.max(1, series.length))));
  const chosen = new Set<number>([0, length - 1]);
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * length) / buckets);
    const end = Math.floor(((b + 1) * length) / buckets);
    if (end <= start) continue;
    if (series.length === 0) chosen.add(start);
    for (const value of series) {
      let minAt = -1;
      let maxAt = -1;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const v = value(i);
        if (v === null || Number.isNaN(v)) continue;
        if (minAt < 0 || v < min) { min = v; minAt = i; }
        if (maxAt < 0 || v > max) { max = v; maxAt = i; }
      }
      if (minAt >= 0) chosen.add(minAt);
      if (maxAt >= 0) chosen.add(maxAt);
      // a bucket where this series has no value still keeps a row, so the x axis has no holes
      if (minAt < 0) chosen.add(start);
    }
  }
  return [...chosen].sort((a, b) => a - b);
}
