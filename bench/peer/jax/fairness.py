"""The peer's side of tests/peer-jax-fairness.test.ts: reads cases as JSON on stdin, writes results as JSON.

Two kinds of case (docs/math.md section 5):
  "same-draws": the engine's parameters, batch and uniforms; returns the peer's samples, actions
                and batch-mean gradients (the test compares them with the CPU engine's);
  "sampled":    one 0/1 input and a reward per action; the peer draws `batches` batches of
                `batch` copies of it with numpy's RNG and returns, per parameter, the mean of
                the gradient estimate and its standard error (the test compares with the exact
                expected gradient by enumeration).
Parameters come flat in the engine's order (W0 input-major, b0, W1, b1, ...).
Exits 1 with one line on stderr when numpy is missing.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:
    print("numpy is not installed (Debian: apt-get install -y python3-numpy)", file=sys.stderr)
    sys.exit(1)

import bandit as hb


def unflatten(sizes: list[int], flat: list[float]) -> list[np.ndarray]:
    out, o = [], 0
    for k in range(len(sizes) - 1):
        n = sizes[k] * sizes[k + 1]
        out.append(np.asarray(flat[o : o + n], np.float32).reshape(sizes[k], sizes[k + 1]))
        o += n
        out.append(np.asarray(flat[o : o + sizes[k + 1]], np.float32))
        o += sizes[k + 1]
    if o != len(flat):
        raise ValueError(f"{len(flat)} parameters given, {o} expected for sizes {sizes}")
    return out


def flat(arrays: tuple[np.ndarray, ...]) -> list[float]:
    return [float(v) for a in arrays for v in np.asarray(a, np.float64).ravel()]


def same_draws(case: dict) -> dict:
    sizes = case["sizes"]
    spec = hb.spec_for(sizes, case["estimator"], case["values"])
    params = unflatten(sizes, case["params"])
    B = case["batch"]
    f32 = lambda v, shape: np.asarray(v, np.float32).reshape(shape)  # noqa: E731
    rewards = (np.arange(sizes[-1])[None, :] == np.asarray(case["labels"])[:, None]).astype(np.float32)
    batch = hb.Batch(
        f32(case["pixels"], (B, sizes[0])),
        rewards,
        tuple(f32(u, (B, w)) for u, w in zip(case["hiddenUniforms"], sizes[1:-1])),
        f32(case["actionUniforms"], (B,)),
    )
    grads, f = hb.estimate(np, spec, params, batch, np.float32(case["bbar"]))
    return {"grads": [flat((g,)) for g in grads], "samples": [flat((s,)) for s in f.samples], "actions": [int(np.argmax(r)) for r in f.one_hot]}


def sampled(case: dict) -> dict:
    sizes = case["sizes"]
    spec = hb.spec_for(sizes, case["estimator"], case["values"])
    params = unflatten(sizes, case["params"])
    rng = np.random.default_rng(case["seed"])
    B, batches = case["batch"], case["batches"]
    pixels = np.tile(np.asarray(case["x"], np.float32), (B, 1))
    rewards = np.tile(np.asarray(case["rewards"], np.float32), (B, 1))
    means = []
    for _ in range(batches):
        hidden = tuple(rng.random((B, w), dtype=np.float32) for w in sizes[1:-1])
        batch = hb.Batch(pixels, rewards, hidden, rng.random((B,), dtype=np.float32))
        grads, _ = hb.estimate(np, spec, params, batch, np.float32(case["bbar"]))
        means.append(np.asarray(flat(grads)))
    stacked = np.stack(means)
    return {"mean": stacked.mean(0).tolist(), "se": (stacked.std(0, ddof=1) / np.sqrt(batches)).tolist()}


def main() -> None:
    cases = json.load(sys.stdin)["cases"]
    out = [same_draws(c) if c["kind"] == "same-draws" else sampled(c) for c in cases]
    json.dump({"numpy": np.__version__, "results": out}, sys.stdout)


if __name__ == "__main__":
    main()
