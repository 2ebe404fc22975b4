"""Training drivers of the peer: many independent runs of one Spec on MNIST.

JaxTrainer is what a JAX user would write: the data on the device once, one jitted function that
advances every run (``jax.vmap`` over runs) by ``chunk`` updates (``jax.lax.scan``), the minibatch
gathered from a per-run permutation of the epoch, binarization and every uniform drawn with
``jax.random`` inside the jitted code, the state donated back. NumpyTrainer runs the very same
``bandit.update`` on numpy, one run after another (the stand-in where JAX is missing).

Shapes: images [N, inputs] uint8 (0-255), labels [N] (0..actions-1); batch B per update.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import bandit as hb


def largest_divisor_at_most(n: int, cap: int) -> int:
    """The largest divisor of n that is <= cap (>= 1): a scan chunk that never crosses an epoch."""
    for c in range(max(1, min(cap, n)), 0, -1):
        if n % c == 0:
            return c
    return 1


class NumpyTrainer:
    """``runs`` runs (seeds 0..runs-1) of ``spec`` on numpy, one update at a time per run."""

    backend = "numpy"

    def __init__(self, spec: hb.Spec, images: np.ndarray, labels: np.ndarray, runs: int, batch: int) -> None:
        self.spec, self.batch, self.runs = spec, batch, runs
        self.images = images.astype(np.float32) / 255.0
        self.labels = labels.astype(np.int64)
        self.updates_per_epoch = images.shape[0] // batch
        self.rngs = [np.random.default_rng(seed) for seed in range(runs)]
        sizes = spec.sizes
        self.states = [hb.init_state(np, sizes, [rng.random((sizes[k], sizes[k + 1]), dtype=np.float32) for k in range(len(sizes) - 1)]) for rng in self.rngs]
        self.perms = [rng.permutation(images.shape[0]) for rng in self.rngs]
        self.chunk = 1

    def _batch(self, r: int) -> hb.Batch:
        rng, spec, B = self.rngs[r], self.spec, self.batch
        cursor = int(self.states[r].step) % self.updates_per_epoch
        if cursor == 0 and int(self.states[r].step) > 0:
            self.perms[r] = rng.permutation(self.images.shape[0])
        idx = self.perms[r][cursor * B : (cursor + 1) * B]
        pixels = (rng.random((B, spec.sizes[0]), dtype=np.float32) < self.images[idx]).astype(np.float32)
        rewards = (np.arange(spec.sizes[-1])[None, :] == self.labels[idx][:, None]).astype(np.float32)
        hidden = tuple(rng.random((B, w), dtype=np.float32) for w in spec.sizes[1:-1])
        return hb.Batch(pixels, rewards, hidden, rng.random((B,), dtype=np.float32))

    def step(self) -> None:
        """Advances every run by ``chunk`` (= 1) update."""
        for r in range(self.runs):
            self.states[r] = hb.update(np, self.spec, self.states[r], self._batch(r))

    def sync(self) -> float:
        """The total reward so far (numpy is synchronous)."""
        return float(sum(float(s.reward_sum) for s in self.states))


class JaxTrainer:
    """``runs`` runs (seeds 0..runs-1) of ``spec`` with jit + vmap over runs + scan over ``chunk`` updates."""

    backend = "jax"

    def __init__(self, spec: hb.Spec, images: np.ndarray, labels: np.ndarray, runs: int, batch: int, chunk: int) -> None:
        import jax
        import jax.numpy as jnp

        self.jax, self.spec, self.batch, self.runs = jax, spec, batch, runs
        n = images.shape[0]
        self.updates_per_epoch = n // batch
        self.chunk = largest_divisor_at_most(self.updates_per_epoch, chunk)
        sizes = spec.sizes
        images_d = jnp.asarray(images, jnp.float32) / 255.0
        labels_d = jnp.asarray(labels, jnp.int32)
        keys = jax.vmap(jax.random.PRNGKey)(jnp.arange(runs))

        def init_one(key: Any) -> hb.State:
            us = [jax.random.uniform(jax.random.fold_in(key, k), (sizes[k], sizes[k + 1])) for k in range(len(sizes) - 1)]
            return hb.init_state(jnp, sizes, us)

        def one_update(state: hb.State, perm: Any, key: Any) -> hb.State:
            k = jax.random.split(jax.random.fold_in(key, state.step), len(sizes))
            start = (state.step % self.updates_per_epoch) * batch
            idx = jax.lax.dynamic_slice(perm, (start,), (batch,))
            pixels = (jax.random.uniform(k[0], (batch, sizes[0])) < images_d[idx]).astype(jnp.float32)
            rewards = jax.nn.one_hot(labels_d[idx], sizes[-1], dtype=jnp.float32)
            hidden = tuple(jax.random.uniform(k[1 + l], (batch, w)) for l, w in enumerate(sizes[1:-1]))
            action_u = jax.random.uniform(k[-1], (batch,))
            return hb.update(jnp, spec, state, hb.Batch(pixels, rewards, hidden, action_u))

        def advance(states: hb.State, perms: Any, keys: Any) -> hb.State:
            def body(s: hb.State, _: Any) -> tuple[hb.State, None]:
                return jax.vmap(one_update)(s, perms, keys), None

            return jax.lax.scan(body, states, None, length=self.chunk)[0]

        self._advance = jax.jit(advance, donate_argnums=0)
        self._perms = jax.jit(jax.vmap(lambda key, epoch: jax.random.permutation(jax.random.fold_in(key, 1_000_003 + epoch), n)))
        self.keys = keys
        self.states = jax.jit(jax.vmap(init_one))(keys)
        self.epoch = 0
        self.perms = self._perms(keys, jnp.zeros((runs,), jnp.int32))
        self.updates = 0

    def step(self) -> None:
        """Advances every run by ``chunk`` updates (queued; sync() waits)."""
        if self.updates > 0 and self.updates % self.updates_per_epoch == 0:
            self.epoch += 1
            self.perms = self._perms(self.keys, self.jax.numpy.full((self.runs,), self.epoch, self.jax.numpy.int32))
        self.states = self._advance(self.states, self.perms, self.keys)
        self.updates += self.chunk

    def sync(self) -> float:
        """Waits for the queued work; the total reward so far."""
        return float(self.states.reward_sum.block_until_ready().sum())


def jax_available() -> tuple[bool, str]:
    """(True, devices) when jax imports, else (False, why)."""
    try:
        import jax

        return True, ", ".join(str(d) for d in jax.devices())
    except Exception as error:  # ImportError, or a broken CUDA set-up
        return False, f"{type(error).__name__}: {error}".splitlines()[0]


def load_idx(path: str) -> np.ndarray:
    """An IDX file (raw, or gzip-compressed when the name ends in .gz) as a numpy array."""
    import gzip

    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist_train(folder: str, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Training images [N, 784] uint8 and labels [N] from a folder of the four IDX files."""
    import os

    def find(stem: str) -> str:
        for name in (stem, stem + ".gz"):
            if os.path.exists(os.path.join(folder, name)):
                return os.path.join(folder, name)
        raise FileNotFoundError(f"{stem} not found in {folder}")

    images = load_idx(find("train-images-idx3-ubyte"))
    labels = load_idx(find("train-labels-idx1-ubyte"))
    images = images.reshape(images.shape[0], -1)
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return images, labels


def sizes_for(hidden: int, width: int = 200, inputs: int = 784, actions: int = 10) -> tuple[int, ...]:
    return (inputs, *([width] * hidden), actions)


