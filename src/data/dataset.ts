// In-memory dataset shapes shared by the engines. Images are raw intensities 0..255, row-major.

export interface ImageSet {
  count: number;
  /** count × pixels bytes */
  images: Uint8Array;
  /** count bytes, 0..classes-1 */
  labels: Uint8Array;
}

export interface Dataset {
  rows: number;
  cols: number;
  /** rows × cols */
  pixels: number;
  classes: number;
  train: ImageSet;
  test: ImageSet;
}

/** The first `limit` images of a set (for quick runs: --train-limit / --test-limit). */
export function limitSet(set: ImageSet, pixels: number, limit: number | undefined): ImageSet {
  if (limit === undefined || limit >= set.count) return set;
  return {
    count: limit,
    images: set.images.subarray(0, limit * pixels),
    labels: set.labels.subarray(0, limit),
  };
}
