"""The contextual-bandit update of docs/math.md section 2, written over an array module ``xp``.

The same functions run on numpy (here, where the fairness test runs them) and on ``jax.numpy``
under ``jax.jit`` and ``jax.vmap`` over runs (on the GPU machine): nothing in this file mutates an
array or branches on array values, and every random number comes in as an argument (uniforms
drawn by the caller), so one update is a pure function of (state, batch, uniforms).

Shapes: B = batch, sizes = [inputs, hidden..., actions]; a weight matrix W_k is [sizes[k],
sizes[k + 1]] (input-major, like the engine's BanditParameters), a bias b_k is [sizes[k + 1]].
All arithmetic is float32 (the engines' precision); rewards are 0/1, log-probabilities in nats.

Written from docs/math.md section 2 (not ported from anywhere):
  hidden unit: u = x W + b, p = clip(sigmoid(u), 1e-5, 1 - 1e-5), phi = [uniform < p],
               passed on as h = 2 phi - 1 (centered, "pm1") or phi ("01");
  output:      z = h_L V + c, pi = softmax(z), a = #{k : cumsum(pi)_k <= uniform} (clamped);
  reward:      r = table[a] (1 for the label in training), signal R = r - bbar (baseline) or r;
  REINFORCE:   S_i = R (phi_i - p_i);  HNCA: S_i = R p_i (1 - p_i) (rho_i(1) - rho_i(0));
  output:      S = R (e_a - pi);  g_W = x^T S / B, g_b = mean_b S (gradient ascent);
  Adam:        m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, theta += lr m c1 / (sqrt(v c2) + eps);
  baseline:    bbar <- 0.99 bbar + 0.01 mean_batch(r), after its use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

PROB_MIN = 1e-5
PROB_MAX = 1.0 - 1e-5
LOG_PROB_MIN = math.log(PROB_MIN)
LOG_PROB_MAX = math.log(PROB_MAX)

Array = Any  # an xp array (numpy.ndarray or jax.Array)


@dataclass(frozen=True)
class Spec:
    """What one run trains: the layer sizes, the estimator and the optimizer (hashable: a jit static)."""

    sizes: tuple[int, ...]
    hnca: bool
    baseline: bool
    centered: bool = True
    lr: float = 1e-4
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    @property
    def hidden_layers(self) -> int:
        return len(self.sizes) - 2


ESTIMATORS = ("hnca", "reinforce", "hnca-baseline", "reinforce-baseline")


def spec_for(sizes: Sequence[int], estimator: str, hidden_values: str = "pm1") -> Spec:
    """The Spec of an estimator id of the engine ('hnca', 'reinforce', '...-baseline'); ValueError otherwise."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r} (one of {', '.join(ESTIMATORS)})")
    if hidden_values not in ("pm1", "01"):
        raise ValueError(f"hidden values must be pm1 or 01, not {hidden_values!r}")
    return Spec(tuple(int(s) for s in sizes), estimator.startswith("hnca"), estimator.endswith("-baseline"), hidden_values == "pm1")


class Batch(NamedTuple):
    """One update's inputs with every random number already drawn."""

    pixels: Array  # [B, inputs], 0/1
    rewards: Array  # [B, actions]: the reward of each action (one-hot label in training)
    hidden_uniforms: tuple[Array, ...]  # per hidden layer [B, width]: phi = [u < p]
    action_uniforms: Array  # [B]


class Forward(NamedTuple):
    x: tuple[Array, ...]  # x[k]: layer k's input [B, sizes[k]] (pixels, then hidden values)
    logits: tuple[Array, ...]  # hidden logits u [B, width]
    probs: tuple[Array, ...]  # clipped sigmoid(u) [B, width]
    samples: tuple[Array, ...]  # phi in {0, 1} [B, width]
    out_logits: Array  # z [B, actions]
    out_probs: Array  # pi [B, actions]
    one_hot: Array  # e_a [B, actions]
    reward: Array  # r [B]


class State(NamedTuple):
    """One run's training state (a pytree: vmap stacks it over runs)."""

    params: tuple[Array, ...]  # (W0, b0, W1, b1, ...)
    m: tuple[Array, ...]  # Adam first moments, like params
    v: tuple[Array, ...]  # Adam second moments
    step: Array  # updates done (int32 scalar)
    bbar: Array  # running-mean baseline (float32 scalar)
    reward_sum: Array  # sum of rewards since the start (float32 scalar)


def glorot_bound(fan_in: int, fan_out: int) -> float:
    """sqrt(6 / (fan_in + fan_out)): weights are uniform in +- this (docs/math.md section 2 init)."""
    return math.sqrt(6.0 / (fan_in + fan_out))


def init_state(xp: Any, sizes: Sequence[int], weight_uniforms: Sequence[Array]) -> State:
    """Initial state: W_k = (2 u - 1) * glorot_bound from uniforms u [sizes[k], sizes[k + 1]], biases 0."""
    params = []
    for k in range(len(sizes) - 1):
        bound = glorot_bound(sizes[k], sizes[k + 1])
        params.append(((2.0 * weight_uniforms[k] - 1.0) * bound).astype(xp.float32))
        params.append(xp.zeros((sizes[k + 1],), xp.float32))
    zeros = tuple(xp.zeros_like(p) for p in params)
    return State(tuple(params), zeros, zeros, xp.asarray(0, xp.int32), xp.asarray(0.0, xp.float32), xp.asarray(0.0, xp.float32))


def state_from_params(xp: Any, params: Sequence[Array], bbar: float = 0.0) -> State:
    """A state holding the given (W0, b0, ...) with zero Adam moments."""
    ps = tuple(xp.asarray(p, xp.float32) for p in params)
    zeros = tuple(xp.zeros_like(p) for p in ps)
    return State(ps, zeros, zeros, xp.asarray(0, xp.int32), xp.asarray(bbar, xp.float32), xp.asarray(0.0, xp.float32))


def _sigmoid(xp: Any, u: Array) -> Array:
    return 1.0 / (1.0 + xp.exp(-u))


def _clipped_log_sigmoid(xp: Any, v: Array) -> Array:
    """log clip(sigmoid(v), 1e-5, 1 - 1e-5), nats."""
    return xp.clip(-xp.logaddexp(xp.zeros_like(v), -v), LOG_PROB_MIN, LOG_PROB_MAX)


def _log_softmax(xp: Any, z: Array, axis: int) -> Array:
    zmax = xp.max(z, axis=axis, keepdims=True)
    shifted = z - zmax
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


def forward(xp: Any, spec: Spec, params: Sequence[Array], batch: Batch) -> Forward:
    """Stochastic forward pass, actions and rewards of one batch (docs/math.md section 2)."""
    x = [batch.pixels]
    logits, probs, samples = [], [], []
    for l in range(spec.hidden_layers):
        u = x[l] @ params[2 * l] + params[2 * l + 1]
        p = xp.clip(_sigmoid(xp, u), PROB_MIN, PROB_MAX)
        phi = (batch.hidden_uniforms[l] < p).astype(xp.float32)
        logits.append(u)
        probs.append(p)
        samples.append(phi)
        x.append(2.0 * phi - 1.0 if spec.centered else phi)
    L = spec.hidden_layers
    z = x[L] @ params[2 * L] + params[2 * L + 1]
    pi = xp.exp(_log_softmax(xp, z, 1))
    actions = spec.sizes[-1]
    # a = the first k whose cumulative probability exceeds u = the number of sums <= u
    below = xp.sum((xp.cumsum(pi, axis=1) <= batch.action_uniforms[:, None]).astype(xp.int32), axis=1)
    action = xp.minimum(below, actions - 1)
    one_hot = (xp.arange(actions)[None, :] == action[:, None]).astype(xp.float32)
    reward = xp.sum(one_hot * batch.rewards, axis=1)
    return Forward(tuple(x), tuple(logits), tuple(probs), tuple(samples), z, pi, one_hot, reward)


def credit(xp: Any, spec: Spec, params: Sequence[Array], f: Forward) -> tuple[Array, ...]:
    """
    HNCA's rho(1) - rho(0) of every hidden layer, [B, width] each (docs/math.md section 2, messages).
    Forcing parent j to its other value moves child c's logit by Delta_j W[j, c], Delta = -2 h_j
    (pm1) or 1 - 2 phi_j (01); the children's log-probability change is summed over children
    ([B, parents, children] broadcasts), D = log Q0 - log Q1, and rho is taken in the log domain.
    """
    out = []
    L = spec.hidden_layers
    for l in range(L):
        phi = f.samples[l]
        delta = -2.0 * f.x[l + 1] if spec.centered else 1.0 - 2.0 * phi
        shift = delta[:, :, None] * params[2 * (l + 1)][None, :, :]  # [B, P, C]
        if l == L - 1:
            flipped = _log_softmax(xp, f.out_logits[:, None, :] + shift, 2)
            log_flipped = xp.sum(flipped * f.one_hot[:, None, :], axis=2)
            log_actual = xp.sum(_log_softmax(xp, f.out_logits, 1) * f.one_hot, axis=1, keepdims=True)
            change = log_flipped - log_actual
        else:
            sign = (2.0 * f.samples[l + 1] - 1.0)[:, None, :]
            u = f.logits[l + 1][:, None, :]
            change = xp.sum(_clipped_log_sigmoid(xp, sign * (u + shift)) - _clipped_log_sigmoid(xp, sign * u), axis=2)
        d = change * (2.0 * phi - 1.0)  # the flipped value is 0 when phi = 1
        p = f.probs[l]
        e = xp.exp(-xp.abs(d))
        when_positive = (e - 1.0) / (p * e + (1.0 - p))
        otherwise = (1.0 - e) / (p + (1.0 - p) * e)
        out.append(xp.where(d > 0, when_positive, otherwise))
    return tuple(out)


def gradients(xp: Any, spec: Spec, params: Sequence[Array], f: Forward, bbar: Array) -> tuple[Array, ...]:
    """Batch-mean ascent gradients (gW0, gb0, gW1, gb1, ...) of one forward pass, shaped like params."""
    signal = (f.reward - bbar if spec.baseline else f.reward)[:, None]  # R, [B, 1]
    rho = credit(xp, spec, params, f) if spec.hnca else None
    signals = []
    for l in range(spec.hidden_layers):
        p = f.probs[l]
        local = p * (1.0 - p) * rho[l] if rho is not None else f.samples[l] - p
        signals.append(signal * local)
    signals.append(signal * (f.one_hot - f.out_probs))
    batch = f.x[0].shape[0]
    grads = []
    for k, s in enumerate(signals):
        grads.append((f.x[k].T @ s) / batch)
        grads.append(xp.mean(s, axis=0))
    return tuple(grads)


def estimate(xp: Any, spec: Spec, params: Sequence[Array], batch: Batch, bbar: Array) -> tuple[tuple[Array, ...], Forward]:
    """Gradients of one batch and the forward pass that drew them (the fairness test reads both)."""
    f = forward(xp, spec, params, batch)
    return gradients(xp, spec, params, f, bbar), f


def update(xp: Any, spec: Spec, state: State, batch: Batch) -> State:
    """One full update: forward, gradients, Adam ascent step, baseline, reward counter (pure)."""
    grads, f = estimate(xp, spec, state.params, batch, state.bbar)
    t = (state.step + 1).astype(xp.float32)
    c1 = 1.0 / (1.0 - spec.beta1 ** t)
    c2 = 1.0 / (1.0 - spec.beta2 ** t)
    m = tuple(spec.beta1 * mk + (1.0 - spec.beta1) * g for mk, g in zip(state.m, grads))
    v = tuple(spec.beta2 * vk + (1.0 - spec.beta2) * g * g for vk, g in zip(state.v, grads))
    params = tuple(p + (spec.lr * (mk * c1)) / (xp.sqrt(vk * c2) + spec.eps) for p, mk, vk in zip(state.params, m, v))
    mean_reward = xp.mean(f.reward)
    bbar = 0.99 * state.bbar + 0.01 * mean_reward if spec.baseline else state.bbar
    return State(params, m, v, state.step + 1, bbar.astype(xp.float32), (state.reward_sum + xp.sum(f.reward)).astype(xp.float32))
