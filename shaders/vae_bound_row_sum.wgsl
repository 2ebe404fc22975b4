// Sum and maximum of one value per invocation over a workgroup of WORKGROUP_SIZE invocations
// (tree reduction in workgroup memory). WORKGROUP_SIZE is a power of two up to MAX_ROW_THREADS
// (vaeBound/plan.ts), set per pipeline by the kernel catalog: 64 on GPUs, 1 on CPU adapters
// (SwiftShader), where barriers cost more than the loop they shorten. Call from uniform control
// flow; every invocation gets the result.

var<workgroup> rowPartial: array<f32, WORKGROUP_SIZE>;

fn rowSum(lid: u32, value: f32) -> f32 {
  rowPartial[lid] = value;
  workgroupBarrier();
  for (var half = WORKGROUP_SIZE / 2u; half > 0u; half = half / 2u) {
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
  for (var half = WORKGROUP_SIZE / 2u; half > 0u; half = half / 2u) {
    if (lid < half) {
      rowPartial[lid] = max(rowPartial[lid], rowPartial[lid + half]);
    }
    workgroupBarrier();
  }
  let total = rowPartial[0];
  workgroupBarrier();
  return total;
}
