// Parameters of the contextual-bandit network (DESIGN.md §2).
// Layer k maps sizes[k] inputs to sizes[k+1] outputs; its weights are stored input-major,
// W[j·out + i] for input j and unit i, so a binary or ±1 input adds whole rows.
import { ParameterTensor } from '../../engine/optimizer.ts';
import { streamKey } from '../../rng/counterRng.ts';
import { Stream } from '../../rng/streams.ts';
import type { HiddenValues } from '../../engine/types.ts';
import { glorotUniform } from '../units/init.ts';

export interface BanditShape {
  /** [inputs, hidden_1, …, hidden_L, actions] */
  sizes: number[];
  hiddenValues: HiddenValues;
}

export function banditShape(inputs: number, hidden: number, width: number, actions: number, hiddenValues: HiddenValues): BanditShape {
  return { sizes: [inputs, ...Array.from({ length: hidden }, () => width), actions], hiddenValues };
}

export class BanditParameters {
  readonly weights: ParameterTensor[] = [];
  readonly biases: ParameterTensor[] = [];
  /** [W0, b0, W1, b1, …] — the order of the optimizer's tensors and of its sums of squares */
  readonly tensors: ParameterTensor[] = [];
  constructor(readonly shape: BanditShape) {
    const { sizes } = shape;
    for (let k = 0; k + 1 < sizes.length; k++) {
      const w = new ParameterTensor(sizes[k] * sizes[k + 1]);
      const b = new ParameterTensor(sizes[k + 1]);
      this.weights.push(w);
      this.biases.push(b);
      this.tensors.push(w, b);
    }
  }
  get layerCount(): number {
    return this.weights.length;
  }
  /** number of parameters of layer k (weights and biases) */
  layerParameterCount(k: number): number {
    return this.weights[k].size + this.biases[k].size;
  }
  get parameterCount(): number {
    let n = 0;
    for (let k = 0; k < this.layerCount; k++) n += this.layerParameterCount(k);
    return n;
  }
}

/** Glorot-uniform weights ±sqrt(6/(fan_in+fan_out)) from the RNG (step = layer), biases 0. */
export function initBanditParameters(shape: BanditShape, seed: number): BanditParameters {
  const params = new BanditParameters(shape);
  const { sizes } = shape;
  for (let k = 0; k < params.layerCount; k++) {
    glorotUniform(params.weights[k].value, sizes[k], sizes[k + 1], streamKey(seed, k, Stream.init));
  }
  return params;
}
