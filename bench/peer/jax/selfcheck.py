"""Checks, where jax imports, that the jit + vmap path computes what the numpy path computes.

Three runs of a tiny network (every estimator in turn): the same parameters, batches and uniforms
go through ``jax.jit(jax.vmap(bandit.update))`` and through ``bandit.update`` on numpy run by run;
two updates later the parameters agree within float32 tolerance and the reward counters exactly.
Then JaxTrainer (jit + vmap + scan, data on the device) takes two chunks on synthetic data.
Prints one line per check; exits 1 on a mismatch, 0 (saying so) when jax is not importable.
Usage: python3 selfcheck.py
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np

import bandit as hb
import trainer


def main() -> int:
    ok, why = trainer.jax_available()
    if not ok:
        print(f"selfcheck: jax not importable ({why}); the jit/vmap path was NOT checked (numpy path: tests/peer-jax-fairness.test.ts)")
        return 0
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_default_matmul_precision", "highest")  # float32 products, as numpy (no TF32)
    print(f"selfcheck: jax {jax.__version__} on {why}")
    rng = np.random.default_rng(7)
    sizes, runs, B = (12, 8, 6, 4), 3, 16
    failed = False
    for estimator in hb.ESTIMATORS:
        spec = hb.spec_for(sizes, estimator)
        states_np = [hb.init_state(np, sizes, [rng.random((sizes[k], sizes[k + 1]), dtype=np.float32) for k in range(len(sizes) - 1)]) for _ in range(runs)]
        stacked = jax.tree_util.tree_map(lambda *xs: jnp.asarray(np.stack(xs)), *states_np)
        step = jax.jit(jax.vmap(lambda s, b: hb.update(jnp, spec, s, b)))
        for _ in range(2):
            batches = [
                hb.Batch(
                    (rng.random((B, sizes[0])) < 0.4).astype(np.float32),
                    (np.arange(sizes[-1])[None, :] == rng.integers(0, sizes[-1], B)[:, None]).astype(np.float32),
                    tuple(rng.random((B, w), dtype=np.float32) for w in sizes[1:-1]),
                    rng.random((B,), dtype=np.float32),
                )
                for _ in range(runs)
            ]
            states_np = [hb.update(np, spec, s, b) for s, b in zip(states_np, batches)]
            stacked = step(stacked, jax.tree_util.tree_map(lambda *xs: jnp.asarray(np.stack(xs)), *batches))
        worst = 0.0
        for r in range(runs):
            for p_np, p_jax in zip(states_np[r].params, stacked.params):
                diff = np.max(np.abs(np.asarray(p_jax[r]) - p_np))
                worst = max(worst, float(diff / max(1e-6, np.max(np.abs(p_np)))))
        rewards_equal = np.array_equal(np.asarray(stacked.reward_sum), np.array([s.reward_sum for s in states_np]))
        good = worst < 1e-4 and rewards_equal
        failed |= not good
        print(f"selfcheck: {estimator}: jit(vmap(update)) vs numpy, 2 updates x {runs} runs: params rel. diff {worst:.1e}, rewards {'equal' if rewards_equal else 'DIFFER'}: {'ok' if good else 'MISMATCH'}")
    images = (rng.random((400, 12)) * 255).astype(np.uint8)
    labels = rng.integers(0, 4, 400)
    t = trainer.JaxTrainer(hb.spec_for(sizes, "hnca"), images, labels, runs=2, batch=20, chunk=4)
    t.step()
    t.step()
    total = t.sync()
    good = 0 <= total <= 2 * 8 * 20 and int(np.asarray(t.states.step)[0]) == 8
    failed |= not good
    print(f"selfcheck: JaxTrainer (jit + vmap + scan) 2 chunks of {t.chunk}: reward sum {total:.0f}, steps {np.asarray(t.states.step).tolist()}: {'ok' if good else 'MISMATCH'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
