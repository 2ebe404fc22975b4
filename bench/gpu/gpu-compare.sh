#!/usr/bin/env bash
# ONE call on the GPU machine (issue 16), inside the bundle made by bench/gpu/prepare.sh:
#   1. the adapter's name (and nvidia-smi's);
#   2. the JAX peer (jax-peer/, jit + vmap over runs + scan) checked against its numpy path
#      (selfcheck.py), then timed: HNCA run-updates/s for COMPARE_RUNS runs at COMPARE_HIDDEN depths;
#   3. our WebGPU engine on the same configurations, and one table with the ratio;
#   4. the Figure 1 grid (3 depths x 4 estimators x 5 seeds) in one process, all depths at once on
#      one device, for FIG1_EPOCHS epochs, extrapolated to 100 epochs.
# Without jax the peer runs on numpy (slowly; it says so) and the rest goes on.
# Env (defaults keep the whole call near 4-5 minutes on an H100/H200): COMPARE_SECONDS=3,
# COMPARE_HIDDEN=1,3, COMPARE_RUNS=1,20,60, COMPARE_CHUNK=50, PEER_SECONDS (default COMPARE_SECONDS),
# PEER_LIMIT=240 (seconds for the whole peer), ENGINE_LIMIT=240 (seconds for our engine's rows), FIG1_EPOCHS=4, FIG1_SEEDS=5, FIG1_LIMIT=200 (seconds),
# TRAIN_LIMIT (training images; default all 60 000), FIG1_ARGS (extra flags for reproduce fig1).
# Results in ./results/ (and $OUT/ when set).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
. ./unpack.sh
res="$here/results"
mkdir -p "$res"
export RESULTS_DIR="$res" COMPARE_SECONDS="${COMPARE_SECONDS:-3}" COMPARE_HIDDEN="${COMPARE_HIDDEN:-1,3}" COMPARE_RUNS="${COMPARE_RUNS:-1,20,60}" COMPARE_CHUNK="${COMPARE_CHUNK:-50}"
export XLA_PYTHON_CLIENT_PREALLOCATE=false  # JAX takes GPU memory as it needs it (Dawn runs after it)
limit_args=()
[ -n "${TRAIN_LIMIT:-}" ] && limit_args=(--train-limit "$TRAIN_LIMIT")
t0=$(date +%s)

echo "== 1. adapter"
./node --version
python3 --version 2>&1 || echo "python3: missing"

echo "== 2. JAX peer"
if command -v python3 >/dev/null 2>&1; then
  timeout 120 python3 jax-peer/selfcheck.py || echo "selfcheck: FAILED or timed out (exit $?)"
  timeout "${PEER_LIMIT:-240}" python3 jax-peer/bench.py --mnist mnist-data --hidden "$COMPARE_HIDDEN" --runs "$COMPARE_RUNS" \
    --seconds "${PEER_SECONDS:-$COMPARE_SECONDS}" --chunk "$COMPARE_CHUNK" ${limit_args[@]+"${limit_args[@]}"} --out "$res/jax-peer.json" \
    || echo "peer: FAILED or stopped after ${PEER_LIMIT:-240} s (exit $?); the table shows the rows it finished, if any"
else
  echo "peer: no python3 on this machine: the table has no peer rows"
fi
echo "   (peer stage ended after $(( $(date +%s) - t0 )) s)"

echo "== 3. our WebGPU engine, same configurations"
PEER_JSON="$res/jax-peer.json" timeout "${ENGINE_LIMIT:-240}" ./node compare.mjs || echo "our engine: FAILED or timed out (exit $?)"
echo "   (engine stage ended after $(( $(date +%s) - t0 )) s)"

echo "== 4. Figure 1 grid in one process (${FIG1_EPOCHS:-4} epochs, all depths at once on one device)"
epochs="${FIG1_EPOCHS:-4}"
f0=$(date +%s.%N)
timeout "${FIG1_LIMIT:-200}" ./node hnca.mjs reproduce fig1 --concurrent yes --hidden 1,2,3 --seeds "${FIG1_SEEDS:-5}" --epochs "$epochs" \
  --engine webgpu --data mnist-data ${limit_args[@]+"${limit_args[@]}"} ${FIG1_ARGS:-} --out "$res/fig1" > "$res/fig1-log.txt" 2>&1
status=$?
f1=$(date +%s.%N)
grep -e 'WebGPU engine' -e 'training .* depths at once' -e 'wall-clock' -e '^epoch [0-9]*/[0-9]* ' "$res/fig1-log.txt" | tail -n 12
python3 - "$f0" "$f1" "$epochs" "$res/fig1/results.json" "$status" <<'PY' || awk -v a="$f0" -v b="$f1" -v e="$epochs" 'BEGIN { printf "fig1: %.1f s for %d epochs (process); x %.1f = %.0f s for 100 epochs\n", b - a, e, 100 / e, (b - a) * 100 / e }'
import json, sys
f0, f1, epochs, path, status = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
process = f1 - f0
try:
    doc = json.load(open(path))
    grid = doc["gridSeconds"]
    per_depth = ", ".join(f"hidden {c['hidden']}: {c['seconds']:.1f} s" for c in doc["grid"])
    print(f"fig1: exit {status}; {epochs} epochs of the 60-run grid in one process: {grid:.1f} s of training ({per_depth}); process {process:.1f} s")
    print(f"fig1: extrapolated to 100 epochs: {grid:.1f} s x {100 / epochs:.1f} = {grid * 100 / epochs:.0f} s ({grid * 100 / epochs / 60:.2f} min; the whole process: {process * 100 / epochs:.0f} s)")
except (OSError, KeyError, ValueError) as error:
    print(f"fig1: exit {status}; no results.json ({error}); process {process:.1f} s for {epochs} epochs -> {process * 100 / epochs:.0f} s for 100 (extrapolated)")
PY
echo "== done in $(( $(date +%s) - t0 )) s; results in $res"
cat "$res/jax-compare.md" 2>/dev/null
if [ -n "${OUT:-}" ]; then cp -r "$res"/. "$OUT/"; fi
