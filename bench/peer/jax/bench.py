"""Run-updates per second of the peer for several depths and run counts (the GPU bench's JAX rows).

Usage: python3 bench.py --mnist DIR [--hidden 1,3] [--runs 1,20,60] [--estimator hnca]
       [--seconds 3] [--chunk 50] [--train-limit N] [--backend auto|jax|numpy] [--out FILE.json]
--backend auto uses JAX where it imports, else numpy (and says so). Each configuration: one warm-up
chunk (compilation), then chunks until --seconds have passed; run-updates/s = runs x updates / s.
JAX matmuls run at float32 ("highest": no TF32) like our engine, unless PEER_MATMUL_PRECISION says
otherwise. Prints one line per configuration and writes them as JSON to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bandit as hb
import trainer


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mnist", required=True)
    ap.add_argument("--hidden", default="1,3")
    ap.add_argument("--runs", default="1,20,60")
    ap.add_argument("--estimator", default="hnca", choices=hb.ESTIMATORS)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--chunk", type=int, default=50)
    ap.add_argument("--train-limit", type=int, default=None)
    ap.add_argument("--backend", default="auto", choices=("auto", "jax", "numpy"))
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    ok, why = trainer.jax_available() if a.backend != "numpy" else (False, "--backend numpy")
    if a.backend == "jax" and not ok:
        print(f"peer: jax is not available ({why})", file=sys.stderr)
        return 1
    backend = "jax" if ok else "numpy"
    precision = os.environ.get("PEER_MATMUL_PRECISION", "highest")
    if ok:
        import jax

        jax.config.update("jax_default_matmul_precision", precision)
        print(f"peer: JAX {jax.__version__} on {why}; matmul precision {precision}; vmap over runs, scan over {a.chunk} updates per call")
    else:
        print(f"peer: jax missing ({why}): timing the numpy peer instead (one run after another, no jit)")
    images, labels = trainer.load_mnist_train(a.mnist, a.train_limit)
    rows = []
    for hidden in [int(h) for h in a.hidden.split(",")]:
        for runs in [int(r) for r in a.runs.split(",")]:
            spec = hb.spec_for(trainer.sizes_for(hidden), a.estimator)
            t0 = time.perf_counter()
            if backend == "jax":
                t = trainer.JaxTrainer(spec, images, labels, runs, 50, a.chunk)
            else:
                t = trainer.NumpyTrainer(spec, images, labels, runs, 50)
            t.step()  # warm-up: compilation, first touch
            t.sync()
            setup = time.perf_counter() - t0
            updates, start = 0, time.perf_counter()
            while True:
                t.step()
                updates += t.chunk
                if updates % (t.chunk * 4) == 0 or time.perf_counter() - start > a.seconds:
                    t.sync()
                    if time.perf_counter() - start > a.seconds:
                        break
            seconds = time.perf_counter() - start
            row = {
                "engine": f"{backend} peer",
                "hidden": hidden,
                "estimator": a.estimator,
                "runs": runs,
                "updates": updates,
                "seconds": seconds,
                "runUpdatesPerSecond": runs * updates / seconds,
                "msPerStep": 1000 * seconds / updates,
                "setupSeconds": setup,
                "chunk": t.chunk,
                "meanReward": t.sync() / (runs * (updates + t.chunk) * 50),
            }
            rows.append(row)
            print(f"peer {backend}: {hidden} hidden, {a.estimator} x{runs}: {row['runUpdatesPerSecond']:.0f} run-updates/s ({updates} updates in {seconds:.2f} s; set-up and compile {setup:.1f} s; mean reward {row['meanReward']:.3f})", flush=True)
    if a.out:
        with open(a.out, "w") as fh:
            json.dump({"backend": backend, "devices": why, "precision": precision if ok else None, "rows": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
