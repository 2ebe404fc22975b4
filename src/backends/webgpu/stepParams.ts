// The per-update uniform every GPU program's kernels read: StepParams of shaders/common.wgsl
// (the batch, the RNG keys and streams, the minibatch cursor and the optimizer's coefficients),
// shared by the bandit and VAE programs.
import { Stream } from '../../rng/streams.ts';
import type { OptimizerConfig } from '../../engine/types.ts';

/**
 * The fields of StepParams (shaders/common.wgsl), written through the runtime's uniform
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

/**
 * StepParams of training update t (0-based): RNG step t, the batch at `cursor` of epoch `epoch`'s
 * permutation ([groups, trainCount] images), Adam step t + 1 with its bias corrections and
 * 1 - beta computed in float64 as the CPU's ascentStep (float32 1 - 0.999 is off by 1.3e-5).
 * @param streams the model's sampling streams: hidden units' and (bandit) the action's
 */
export function trainingStepValues(c: OptimizerConfig & { batch: number }, t: number, cursor: number, epoch: number, trainCount: number, streams: { hidden: number; action: number }): StepValues {
  const steps = t + 1;
  return {
    batch: c.batch,
    keyStep: t,
    hiddenStream: streams.hidden,
    actionStream: streams.action,
    exampleOffset: 0,
    gather: 1,
    cursor,
    permStride: trainCount,
    binarizeStep: epoch,
    binarizeStream: Stream.binarizeTrain,
    optimizer: c.optimizer === 'sgd' ? 1 : 0,
    update: t,
    lr: c.lr,
    beta1: c.beta1,
    beta2: c.beta2,
    eps: c.eps,
    c1: 1 / (1 - Math.pow(c.beta1, steps)),
    c2: 1 / (1 - Math.pow(c.beta2, steps)),
    oneMinusBeta1: 1 - c.beta1,
    oneMinusBeta2: 1 - c.beta2,
  };
}
