// Gathers a minibatch from the raw intensities on the GPU and binarizes it dynamically:
// pixel p of image n is 1 iff pixelIsOn(streamKey(seed, binarizeStep, binarizeStream),
// n * pixels + p, intensity) (src/data/minibatch.ts binarizeRows). Also copies the labels.
// Grid: x = pixels / 64, y = example, z = seed group. layer.inWidth = pixels.

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
/** intensities, four bytes per u32 (little-endian), image n pixel p at byte n * pixels + p */
@group(0) @binding(2) var<storage, read> images: array<u32>;
@group(0) @binding(3) var<storage, read> labels: array<u32>;
/** [group * permStride + position] image index */
@group(0) @binding(4) var<storage, read> permutation: array<u32>;
/** seed of each group */
@group(0) @binding(5) var<storage, read> groupSeeds: array<u32>;
@group(0) @binding(6) var<storage, read_write> pixelsOut: array<f32>;
@group(0) @binding(7) var<storage, read_write> batchLabels: array<u32>;

@compute @workgroup_size(64)
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
