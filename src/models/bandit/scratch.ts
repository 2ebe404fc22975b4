// Per-run working memory of one bandit update, sized for a maximum batch.
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { categoriesOf, type BanditShape } from './parameters.ts';

export class BanditScratch {
  /** per hidden layer, batch × width: logits, clipped probabilities, samples (0/1), signals S */
  readonly logit: Float64Array[] = [];
  readonly prob: Float64Array[] = [];
  readonly sample: Uint8Array[] = [];
  readonly signal: Float64Array[] = [];
  /**
   * per hidden layer, batch × width: HNCA credit rho(1) − rho(0); categorical layers
   * (docs/math.md §7.1): the hindsight posterior pi_i(v) rho_i(v) per value, [batch, units · N]
   */
  readonly credit: Float64Array[] = [];
  /**
   * categorical layers only, per hidden layer [batch, units]: the sampled value index φ_i
   * (sample[] then holds the one-hot outputs [batch, units · N]); empty for Bernoulli layers
   */
  readonly value: Uint8Array[] = [];
  /** categorical layers only: log Q_i(v) of the unit being credited [N] (nats) and scratch for log pi [N] */
  readonly logQ: Float64Array;
  readonly logPi: Float64Array;
  /** categorical layers only: a child's shifted logits under a counterfactual [max(N, actions)] */
  readonly shiftedLogits: Float64Array;
  /** output: batch × actions logits and probabilities; per example action, reward, learning signal */
  readonly outLogit: Float64Array;
  readonly outProb: Float64Array;
  readonly outSignal: Float64Array;
  readonly action: Int32Array;
  readonly reward: Float64Array;
  readonly learningSignal: Float64Array;
  /** per example, the children's log-probability with nothing flipped */
  readonly logQActual: Float64Array;
  /** the batch-independent part of a layer's logits (bias − column sums for ±1 inputs) */
  readonly baseLogit: Float64Array;
  /** row offsets selected for sumSelectedRows (fired units, on pixels, examples) */
  readonly selected: Int32Array;
  /** per pixel, the examples of the batch where it is on (CSR: pixelStart, pixelExamples) */
  readonly pixelStart: Int32Array;
  readonly pixelExamples: Int32Array;
  /** −g_b of the layer being differentiated (the ±1 identity of hiddenInputGradient) */
  readonly negBiasGrad: Float64Array;
  /** per example Σ_i s_bi² of the layer being differentiated */
  readonly rowSquares: Float64Array;
  /** `arrays`: where the arrays live (the run's WASM kernel arena in the CPU engine). */
  constructor(
    readonly shape: BanditShape,
    readonly capacity: number,
    arrays: ArrayAllocator = heapArrays,
  ) {
    const { sizes } = shape;
    const categories = categoriesOf(shape);
    for (let l = 1; l + 1 < sizes.length; l++) {
      const n = capacity * sizes[l];
      this.logit.push(arrays.f64(n));
      this.prob.push(arrays.f64(n));
      this.sample.push(arrays.u8(n));
      this.signal.push(arrays.f64(n));
      this.credit.push(arrays.f64(n));
      this.value.push(arrays.u8(categories ? n / categories : 0));
    }
    const a = sizes[sizes.length - 1];
    this.logQ = arrays.f64(categories);
    this.logPi = arrays.f64(categories);
    this.shiftedLogits = arrays.f64(categories ? Math.max(categories, a) : 0);
    this.outLogit = arrays.f64(capacity * a);
    this.outProb = arrays.f64(capacity * a);
    this.outSignal = arrays.f64(capacity * a);
    this.action = arrays.i32(capacity);
    this.reward = arrays.f64(capacity);
    this.learningSignal = arrays.f64(capacity);
    this.logQActual = arrays.f64(capacity);
    const widest = Math.max(...sizes);
    this.baseLogit = arrays.f64(widest);
    this.selected = arrays.i32(Math.max(widest, capacity));
    this.pixelStart = arrays.i32(sizes[0] + 2);
    this.pixelExamples = arrays.i32(capacity * sizes[0]);
    this.negBiasGrad = arrays.f64(widest);
    this.rowSquares = arrays.f64(capacity);
  }
}
