// Shape and parameters of the nonlinear contextual bandit (appendix E, docs/math.md §7.2): a
// deterministic convolutional trunk → one layer of Bernoulli units → a softmax output.
import { ParameterTensor } from '../../engine/optimizer.ts';
import type { ConvBanditConfig, HiddenValues } from '../../engine/types.ts';
import { streamKey } from '../../rng/counterRng.ts';
import { Stream } from '../../rng/streams.ts';
import { glorotUniform } from '../units/init.ts';

/** Side of every convolution's square kernel (docs/math.md §7.2: 3×3). */
export const KERNEL = 3;

/** The shape of a conv-bandit network. */
export interface ConvBanditShape {
  /** image rows and columns (MNIST: 28 × 28); one input channel */
  rows: number;
  cols: number;
  /** 3×3 VALID convolutions, each with ReLU (paper: 2) */
  convLayers: number;
  /** channels of every convolution (paper: 16) */
  channels: number;
  /** Bernoulli units (paper: 200) */
  width: number;
  /** softmax actions (MNIST: 10) */
  actions: number;
  hiddenValues: HiddenValues;
}

/** The shape of `config` on images of rows × cols pixels with `actions` classes. */
export function convBanditShape(config: Pick<ConvBanditConfig, 'convLayers' | 'channels' | 'width' | 'hiddenValues'>, rows: number, cols: number, actions: number): ConvBanditShape {
  return { rows, cols, convLayers: config.convLayers, channels: config.channels, width: config.width, actions, hiddenValues: config.hiddenValues };
}

/** Rows and columns of convolution l's output (VALID: each 3×3 convolution takes 2 off each side). */
export function convOutputSize(shape: ConvBanditShape, l: number): { rows: number; cols: number } {
  return { rows: shape.rows - (KERNEL - 1) * (l + 1), cols: shape.cols - (KERNEL - 1) * (l + 1) };
}

/** Inputs of the linear layer to the Bernoulli logits: the last convolution's output flattened [rows' · cols' · channels]. */
export function featureCount(shape: ConvBanditShape): number {
  const { rows, cols } = convOutputSize(shape, shape.convLayers - 1);
  return rows * cols * shape.channels;
}

/**
 * What each tensor of a conv-bandit network is, in the optimizer's order: per convolution l its
 * filter [3, 3, inChannels, channels] (TensorFlow's HWIO layout, input-major with inputs =
 * 3·3·inChannels) and bias [channels]; the linear layer W [features, width] and b [width]; the
 * output V [width, actions] and c [actions]. Layer k of the variance metric (docs/math.md §4) owns
 * tensors 2k and 2k + 1.
 */
export function convBanditLayout(shape: ConvBanditShape): { name: string; shape: number[]; inputs: number; units: number }[] {
  const layout: { name: string; shape: number[]; inputs: number; units: number }[] = [];
  for (let l = 0; l < shape.convLayers; l++) {
    const inChannels = l === 0 ? 1 : shape.channels;
    layout.push({ name: `K${l}`, shape: [KERNEL, KERNEL, inChannels, shape.channels], inputs: KERNEL * KERNEL * inChannels, units: shape.channels });
    layout.push({ name: `k${l}`, shape: [shape.channels], inputs: 1, units: shape.channels });
  }
  const features = featureCount(shape);
  layout.push({ name: 'W', shape: [features, shape.width], inputs: features, units: shape.width });
  layout.push({ name: 'b', shape: [shape.width], inputs: 1, units: shape.width });
  layout.push({ name: 'V', shape: [shape.width, shape.actions], inputs: shape.width, units: shape.actions });
  layout.push({ name: 'c', shape: [shape.actions], inputs: 1, units: shape.actions });
  return layout;
}

/** The parameters of one conv-bandit run: [K0, k0, (K1, k1,) W, b, V, c] as ParameterTensors (values, gradients, Adam moments). */
export class ConvBanditParameters {
  readonly tensors: ParameterTensor[];
  constructor(readonly shape: ConvBanditShape) {
    this.tensors = convBanditLayout(shape).map((t) => new ParameterTensor(t.shape.reduce((a, b) => a * b, 1)));
  }
  /** layers of the variance metric: the convolutions, the linear layer, the output */
  get layerCount(): number {
    return this.tensors.length / 2;
  }
  /** the trunk's tensors (convolutions and the linear layer to the Bernoulli logits) */
  get trunkTensors(): ParameterTensor[] {
    return this.tensors.slice(0, this.tensors.length - 2);
  }
  /** the output layer's weights V [width, actions] (input-major) */
  get outputWeights(): ParameterTensor {
    return this.tensors[this.tensors.length - 2];
  }
  /** the output layer's biases c [actions] */
  get outputBiases(): ParameterTensor {
    return this.tensors[this.tensors.length - 1];
  }
  /** parameters of layer k (weights and biases) */
  layerParameterCount(k: number): number {
    return this.tensors[2 * k].size + this.tensors[2 * k + 1].size;
  }
  get parameterCount(): number {
    return this.tensors.reduce((n, t) => n + t.size, 0);
  }
}

/**
 * Glorot-uniform weights ±sqrt(6/(fan_in + fan_out)) from the RNG (step = layer k, as the
 * bandit's init), biases 0 (docs/math.md §2 "Init"). A convolution's fans are 3·3·inChannels and
 * 3·3·channels (as Keras's glorot_uniform).
 */
export function initConvBanditParameters(shape: ConvBanditShape, seed: number): ConvBanditParameters {
  const params = new ConvBanditParameters(shape);
  const layout = convBanditLayout(shape);
  for (let k = 0; k < params.layerCount; k++) {
    const w = layout[2 * k];
    const fanOut = k < shape.convLayers ? KERNEL * KERNEL * shape.channels : w.units;
    glorotUniform(params.tensors[2 * k].value, w.inputs, fanOut, streamKey(seed, k, Stream.init));
  }
  return params;
}
