// The per-update uniform every GPU program's kernels read: StepParams of shaders/bandit_common.wgsl
// (the batch, the RNG keys and streams, the minibatch cursor and the optimizer's coefficients),
// shared by the bandit and VAE programs.

/**
 * The fields of StepParams (shaders/bandit_common.wgsl), written through the runtime's uniform
 * slots (webgpu-utils structured views): counts and indices are u32, rates and coefficients f32.
 */
export interface StepValues {
  batch: number;
  keyStep: number;
  hiddenStream: number;
  actionStream: number;
  exampleOffset: number;
  gather: number;
  cursor: number;
  permStride: number;
  binarizeStep: number;
  binarizeStream: number;
  optimizer: number;
  update: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  c1: number;
  c2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
}
