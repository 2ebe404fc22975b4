// Sum and maximum of one value per invocation over a workgroup of ROW_THREADS invocations
// (tree reduction in workgroup memory). ROW_THREADS is a power of two up to ROW_PARTIALS, set
// per pipeline: 64 on GPUs, 1 on CPU adapters (SwiftShader), where barriers cost more than
// the loop they shorten. Call from uniform control flow; every invocation gets the result.

override ROW_THREADS: u32 = 64u;
const ROW_PARTIALS: u32 = 64u;

var<workgroup> rowPartial: array<f32, ROW_PARTIALS>;

fn rowSum(lid: u32, value: f32) -> f32 {
  rowPartial[lid] = value;
  workgroupBarrier();
  for (var half = ROW_THREADS / 2u; half > 0u; half = half / 2u) {
    if (lid < half) {
      rowPartial[lid] = rowPartial[lid] + rowPartial[lid + half];
    }
    workgroupBarrier();
  }
  let total = rowPartial[0];
  workgroupBarrier();
  return total;
}

fn rowMax(lid: u32, value: f32) -> f32 {
  rowPartial[lid] = value;
  workgroupBarrier();
  for (var half = ROW_THREADS / 2u; half > 0u; half = half / 2u) {
    if (lid < half) {
      rowPartial[lid] = max(rowPartial[lid], rowPartial[lid + half]);
    }
    workgroupBarrier();
  }
  let total = rowPartial[0];
  workgroupBarrier();
  return total;
}
