// The sum of one f32 over a workgroup, by a tree in workgroup memory (docs/math.md §4's metric
// reductions). WORKGROUP_SIZE is the including kernel's invocations along x (a power of two, generated
// from the kernel catalog), and calls workgroupSum from every invocation (uniform control flow: it holds
// barriers).

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

/** Σ of `value` over the workgroup (t: local_invocation_id.x), added pairwise at halving strides; every invocation gets the sum. */
fn workgroupSum(t: u32, value: f32) -> f32 {
  partial[t] = value;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (t < stride) {
      partial[t] += partial[t + stride];
    }
    workgroupBarrier();
  }
  return partial[0];
}
