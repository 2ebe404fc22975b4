// Counter-based RNG, bit-identical to src/rng/counterRng.ts (docs/math.md §5).
// Stream ids (STREAM_*) are generated from src/rng/streams.ts by the kernel catalog
// (src/backends/webgpu/kernels/constants.ts).

fn hash32(value: u32) -> u32 {
  var x = value;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn streamKey(seed: u32, step: u32, stream: u32) -> u32 {
  return hash32(hash32(hash32(seed) ^ step) ^ stream);
}

fn randomBits(key: u32, index: u32) -> u32 {
  return hash32(key ^ hash32(index));
}

fn uniformFromBits(bits: u32) -> f32 {
  return f32(bits >> 8u) * 5.9604644775390625e-8;
}

fn uniform01(key: u32, index: u32) -> f32 {
  return uniformFromBits(randomBits(key, index));
}

// Bernoulli(intensity / 255) in integers: m·255 < k·2^24 (both fit in u32).
fn pixelIsOn(key: u32, index: u32, intensity: u32) -> bool {
  let m = randomBits(key, index) >> 8u;
  return m * 255u < (intensity << 24u);
}
