// Parameters of the contextual-bandit network (docs/math.md §2).
// Layer k maps sizes[k] inputs to sizes[k+1] outputs; its weights are stored input-major,
// W[j·out + i] for input j and unit i, so a binary or ±1 input adds whole rows.
import { ParameterTensor } from '../../engine/optimizer.ts';
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { streamKey } from '../../rng/counterRng.ts';
import { Stream } from '../../rng/streams.ts';
import type { HiddenValues, UnitKind } from '../../engine/types.ts';
import { glorotUniform } from '../units/init.ts';

/**
 * The shape of a bandit network. Layer k's weights are [sizes[k], sizes[k+1]] (input-major).
 * With categorical hidden units (docs/math.md §7.1) a hidden layer of U units has U·N logits and
 * passes on U·N one-hot entries, so its entry in `sizes` is U·N: sizes are the widths of the
 * layers' logits and outputs, in units only for Bernoulli layers.
 */
export interface BanditShape {
  /** [inputs, width_1, …, width_L, actions]: logits per layer (units × N for categorical layers) */
  sizes: number[];
  hiddenValues: HiddenValues;
  /** kind of every hidden unit; absent = 'bernoulli' */
  units?: UnitKind;
  /** N, the values of each categorical unit (absent for Bernoulli units) */
  categories?: number;
}

/**
 * The shape of L = `hidden` layers of `width` units each: Bernoulli units by default, or
 * categorical units with `categories` values each (sizes then hold width · categories).
 */
export function banditShape(
  inputs: number,
  hidden: number,
  width: number,
  actions: number,
  hiddenValues: HiddenValues,
  units: UnitKind = 'bernoulli',
  categories = 2,
): BanditShape {
  if (units === 'bernoulli') return { sizes: [inputs, ...Array.from({ length: hidden }, () => width), actions], hiddenValues };
  return { sizes: [inputs, ...Array.from({ length: hidden }, () => width * categories), actions], hiddenValues, units, categories };
}

/** N of a network's categorical hidden units (docs/math.md §7.1), or 0 when its hidden units are Bernoulli. */
export function categoriesOf(shape: BanditShape): number {
  return shape.units === 'categorical' ? (shape.categories ?? 0) : 0;
}

export class BanditParameters {
  readonly weights: ParameterTensor[] = [];
  readonly biases: ParameterTensor[] = [];
  /** [W0, b0, W1, b1, …] — the order of the optimizer's tensors and of its sums of squares */
  readonly tensors: ParameterTensor[] = [];
  /** `arrays`: where the tensors live (the run's WASM kernel arena in the CPU engine). */
  constructor(
    readonly shape: BanditShape,
    arrays: ArrayAllocator = heapArrays,
  ) {
    const { sizes } = shape;
    for (let k = 0; k + 1 < sizes.length; k++) {
      const w = new ParameterTensor(sizes[k] * sizes[k + 1], arrays);
      const b = new ParameterTensor(sizes[k + 1], arrays);
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

/** Glorot-uniform weights ±sqrt(6/(fan_in+fan_out)) from the RNG (step = layer), biases 0; `arrays` as in BanditParameters. */
export function initBanditParameters(shape: BanditShape, seed: number, arrays: ArrayAllocator = heapArrays): BanditParameters {
  const params = new BanditParameters(shape, arrays);
  const { sizes } = shape;
  for (let k = 0; k < params.layerCount; k++) {
    glorotUniform(params.weights[k].value, sizes[k], sizes[k + 1], streamKey(seed, k, Stream.init));
  }
  return params;
}
