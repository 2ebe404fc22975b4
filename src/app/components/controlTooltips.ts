// What each control does, with the formula where one applies (docs/math.md §2, §4).
import { vaeEstimator } from '../../engine/estimators.ts';
import type { BanditEstimator, VaeEstimator } from '../../engine/types.ts';

export const TOOLTIPS = {
  task:
    'MNIST contextual bandit: the network sees a binarized digit, samples one of 10 actions a ~ softmax(V h + c) and gets reward r = 1 if a equals the label, else 0; it never sees the label. Tiny patterns: 4×4 images of 4 classes that learn in seconds. Discrete VAE: an encoder of stochastic 0/1 layers q(φ|x) and a decoder p(x|φ) trained to maximise the ELBO on dynamically binarized MNIST (the paper’s second experiment). Nonlinear bandit (appendix E): the same bandit, but two 3×3 convolutions of 16 channels and a linear layer (trained by backpropagating each unit’s signal as the gradient of its logit) feed one layer of Bernoulli units; CPU engine, about half a second per update and run. Changing it resets.',
  layers:
    'Stochastic layers L of the VAE (1–3, the paper’s depths): encoder φ_l ~ q_l(.|φ_{l−1}), decoder p_{l−1}(φ_{l−1}|φ_l), prior p_L(φ_L) = Bernoulli(σ(c_L)); every conditional a factorized Bernoulli with linear logits. Changing it resets.',
  k: 'Samples K of the importance-weighted test bound log (1/K) Σ_k p(x, φ^k)/q(φ^k|x) (nats per image), on the first N test images. It costs K forward passes per image and run: keep it small on the CPU engine (default 10). Changing it resets.',
  vaeEstimators:
    'Encoder-gradient estimators trained side by side on the same minibatches from the same initial weights (per seed). The decoder and prior get exact gradients in every method; the estimators differ in each encoder unit’s learning signal (formulas: docs/math.md §3).',
  hidden: 'Hidden layers of Bernoulli units (1–5). Unit: p = clip(σ(W h_prev + b), 1e-5, 1−1e-5), φ ~ Bernoulli(p). Changing it resets.',
  width: 'Units per hidden layer (paper: 200). Changing it resets.',
  batch: 'Examples per update B; the update is the batch mean of per-example estimates (paper: 50). Applies mid-run, without a reset.',
  lr: 'Learning rate α of gradient ascent on E[r] (Adam: θ ← θ + α m̂/(√v̂ + ε); paper 1e-4). Applies mid-run, without a reset.',
  optimizer: 'Adam (β1 = 0.9, β2 = 0.999, ε = 1e-8) or plain SGD (θ ← θ + α ĝ). Changing it resets.',
  values: 'What a hidden unit passes on: centered h = 2φ − 1 (±1, the paper found it much better) or φ itself (0/1). Changing it resets.',
  units:
    'Kind of every hidden unit. Bernoulli: two values, p = σ(u). Categorical: N values (2–10), π = softmax(z) over N logits, passing on its centered one-hot vector e_φ − 1/N (entries summing to 0, like the ±1 of Bernoulli units); HNCA gives logit k the signal R π_k(ρ(k) − 1) (formulas: docs/math.md §7.1, the paper’s appendix D). Changing it resets.',
  categories: 'N, the values of each categorical unit (2–10); a layer of U units has U·N logits. Changing it resets.',
  estimators:
    'Gradient estimators trained side by side on the same minibatches from the same initial weights (per seed). All use the score function for the output layer: g_V = R (e_a − π) h_Lᵀ.',
  seeds: 'Independent runs per estimator (1–5), seeds k … k+n−1. Charts show the mean over seeds and a 95% confidence band (Student t). Changing it resets.',
  epochs: 'Training stops after this many passes over the training set (one epoch = training images / batch updates). Applies mid-run, without a reset: raise it to train a finished run on.',
  test: 'Test images used for the live test-accuracy curve (the first N of the test set). Test accuracy = mean reward of a stochastic forward pass. Changing it resets.',
  speed: 'Cap on updates per second, to watch single updates in class; "max" trains as fast as the engine goes. Applies mid-run.',
  engine:
    'auto: the WebGPU engine on a hardware GPU adapter, else the CPU engine (TypeScript, in the worker; faster than a software WebGPU adapter such as SwiftShader). WebGPU: use any WebGPU adapter. CPU: the CPU engine. Changing it resets.',
} as const;

export const ESTIMATOR_TOOLTIPS: Record<BanditEstimator, string> = {
  hnca: 'HNCA: unit i gets S_i = R p_i(1−p_i)(ρ_i(1) − ρ_i(0)), with ρ(1) − ρ(0) = (Q_1 − Q_0)/Q̄, Q_v = product of the children’s probabilities of their sampled values with unit i forced to v, Q̄ = p Q_1 + (1−p) Q_0. R = r.',
  'hnca-baseline': 'HNCA with a baseline: as HNCA with R = r − b̄, b̄ ← 0.99 b̄ + 0.01 mean_batch(r) after each update.',
  reinforce: 'REINFORCE: unit i gets S_i = R (φ_i − p_i), R = r. Unbiased, but every unit is credited with the whole reward.',
  'reinforce-baseline': 'REINFORCE with a baseline: S_i = (r − b̄)(φ_i − p_i), b̄ ← 0.99 b̄ + 0.01 mean_batch(r).',
};

/** One sentence per VAE estimator, from the estimator registry. */
export function vaeEstimatorTooltip(estimator: VaeEstimator): string {
  return vaeEstimator(estimator).description;
}
