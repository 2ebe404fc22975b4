#!/usr/bin/env bash
# ONE call on the GPU machine for the discrete VAE (issue 12), inside the bundle made by
# bench/gpu/prepare.sh: the WebGPU VAE's cost versus depth (vae-bench.mjs: ms per update of every
# estimator at depth 1-5, each layer's increment), then Figure 3 on a reduced schedule
# (reproduce-fig3-on-gpu.sh: depth 1-3 x all six estimators, the orderings against the paper's).
# Env: VAE_BENCH_SECONDS (1 per cell), VAE_BENCH_DEPTHS (1,2,3,4,5), VAE_BENCH_LIMIT (150 s for the
# whole bench), and reproduce-fig3-on-gpu.sh's (EPOCHS, SEEDS, TEST_K, LIMIT, EVAL_EVERY, ...); without
# EPOCHS, the epochs that fit in LIMIT by the bench's costs (1..40).
# Results in ./results/ (and $OUT/ when set).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
. ./unpack.sh
res="$here/results"
mkdir -p "$res"
t0=$(date +%s)
export HNCA_SHADER_DIR="$here/shaders/" MNIST_DIR="$here/mnist-data" RESULTS_DIR="$res" VAE_BENCH_SECONDS="${VAE_BENCH_SECONDS:-1}"
echo "== 1. WebGPU VAE: cost versus depth"
timeout "${VAE_BENCH_LIMIT:-150}" ./node vae-bench.mjs || echo "vae bench: FAILED or stopped after ${VAE_BENCH_LIMIT:-150} s (exit $?)"
echo "   (bench ended after $(( $(date +%s) - t0 )) s)"
echo "== 2. Figure 3 on the WebGPU engine"
if [ -z "${EPOCHS:-}" ] && [ -f "$res/vae-gpu.json" ]; then
  # the schedule that fits: the bench's ms per update of the six estimators at the deepest layer
  # count, x SEEDS runs each, 60000/50 updates an epoch; 60 s kept for the final bound; 1..40 epochs
  EPOCHS="$(python3 - "$res/vae-gpu.json" "${LIMIT:-540}" "${SEEDS:-2}" "${TRAIN_LIMIT:-60000}" <<'PY'
import json, sys
doc, limit, seeds, train = json.load(open(sys.argv[1])), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
deepest = max(int(r["configuration"].split(" ")[0]) for r in doc["rows"] if int(r["configuration"].split(" ")[0]) <= 3)
ms = sum(r["msPerUpdate"] for r in doc["rows"] if int(r["configuration"].split(" ")[0]) == deepest)
epoch = ms * seeds * (train / 50) / 1000
print(max(1, min(40, int(0.6 * (limit - 60) / max(epoch, 1e-9)))))
PY
)" || EPOCHS=""
  [ -n "$EPOCHS" ] && echo "   schedule from the bench: $EPOCHS epochs fit in ${LIMIT:-540} s per depth"
  export EPOCHS
fi
OUT="$res" bash "$here/reproduce-fig3-on-gpu.sh"
echo "== done in $(( $(date +%s) - t0 )) s; results in $res"
if [ -n "${OUT:-}" ]; then cp -r "$res"/. "$OUT/"; fi
