// Gathers a minibatch from the raw intensities on the GPU and binarizes it dynamically:
// pixel p of image n is 1 iff pixelIsOn(streamKey(seed, binarizeStep, binarizeStream),
// n * pixels + p, intensity) (src/data/minibatch.ts binarizeRows). Also copies the labels.
// Grid: x = pixels / WORKGROUP_SIZE, y = example, z = seed group. layer.inWidth = pixels.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   images       intensities, four bytes per u32 (little-endian), image n pixel p at byte n * pixels + p
//   permutation  [group * permStride + position] image index
//   groupSeeds   seed of each group

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let p = id.x;
  let b = id.y;
  let g = id.z;
  let pixels = layer.inWidth;
  if (p >= pixels || b >= step.batch) {
    return;
  }
  var n: u32;
  if (step.gather == 1u) {
    n = permutation[g * step.permStride + step.cursor + b];
  } else {
    n = step.exampleOffset + b;
  }
  let byteIndex = n * pixels + p;
  let intensity = (images[byteIndex >> 2u] >> ((byteIndex & 3u) * 8u)) & 0xffu;
  let key = streamKey(groupSeeds[g], step.binarizeStep, step.binarizeStream);
  var on = 0.0;
  if (intensity != 0u && pixelIsOn(key, byteIndex, intensity)) {
    on = 1.0;
  }
  pixelsOut[(g * layer.capacity + b) * pixels + p] = on;
  if (p == 0u) {
    batchLabels[g * layer.capacity + b] = labels[n];
  }
}
