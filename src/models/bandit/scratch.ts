// Per-run working memory of one bandit update, sized for a maximum batch.
import { categoriesOf, type BanditShape } from './parameters.ts';

export class BanditScratch {
  /** per hidden layer, batch × width: logits, clipped probabilities, samples (0/1), signals S */
  readonly logit: Float64Array[] = [];
  readonly prob: Float64Array[] = [];
  readonly sample: Uint8Array[] = [];
  readonly signal: Float64Array[] = [];
  /**
   * per hidden layer, batch × width: HNCA credit rho(1) − rho(0); categorical layers
   * (DESIGN.md §7.1): the hindsight posterior pi_i(v) rho_i(v) per value, [batch, units · N]
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
  constructor(
    readonly shape: BanditShape,
    readonly capacity: number,
  ) {
    const { sizes } = shape;
    const categories = categoriesOf(shape);
    for (let l = 1; l + 1 < sizes.length; l++) {
      const n = capacity * sizes[l];
      this.logit.push(new Float64Array(n));
      this.prob.push(new Float64Array(n));
      this.sample.push(new Uint8Array(n));
      this.signal.push(new Float64Array(n));
      this.credit.push(new Float64Array(n));
      this.value.push(new Uint8Array(categories ? n / categories : 0));
    }
    const a = sizes[sizes.length - 1];
    this.logQ = new Float64Array(categories);
    this.logPi = new Float64Array(categories);
    this.shiftedLogits = new Float64Array(categories ? Math.max(categories, a) : 0);
    this.outLogit = new Float64Array(capacity * a);
    this.outProb = new Float64Array(capacity * a);
    this.outSignal = new Float64Array(capacity * a);
    this.action = new Int32Array(capacity);
    this.reward = new Float64Array(capacity);
    this.learningSignal = new Float64Array(capacity);
    this.logQActual = new Float64Array(capacity);
    const widest = Math.max(...sizes);
    this.baseLogit = new Float64Array(widest);
    this.selected = new Int32Array(Math.max(widest, capacity));
    this.pixelStart = new Int32Array(sizes[0] + 2);
    this.pixelExamples = new Int32Array(capacity * sizes[0]);
    this.negBiasGrad = new Float64Array(widest);
    this.rowSquares = new Float64Array(capacity);
  }
}
