#!/usr/bin/env bash
# On the GPU machine, inside the unpacked bundle (bench/gpu/prepare.sh): the paper's Figure 3
# grid — the discrete VAE at 1, 2, 3 stochastic layers × all six estimators — with the WebGPU
# engine on a reduced schedule, one process per depth in parallel. Results: $OUT/fig3/
# (README.md comparing the orderings with the paper's sentences, per-depth markdown, CSV and SVG
# charts) and $OUT/fig3.tgz (every output folder and log).
# Usage: EPOCHS=20 SEEDS=2 bash reproduce-fig3-on-gpu.sh
#   EPOCHS (20) × SEEDS (2): the reduced schedule (the paper: 840 epochs); TEST_K (100): K of the
#   test bound; LAYERS ("1 2 3"); LIMIT (540): seconds per depth before SIGTERM (the finished
#   epochs are still written); TRAIN_LIMIT / TEST_LIMIT: subsets of MNIST (default all);
#   FIG3_ENGINE (webgpu): cpu runs the same script on the CPU engine (to prove it end to end
#   where there is no GPU); THREADS: CPU engine worker threads; WIDTH: units per layer (200);
#   EVAL_EVERY: also evaluate the test bound every this many epochs (default: the last epoch only).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
# node, dawn.node, MNIST, the Vulkan loader and driver manifest, the GPU's name
. "$here/unpack.sh"
export HNCA_SHADER_DIR="$here/shaders/"
out="${OUT:-$here/results}"
work="${FIG3_WORK:-/tmp/fig3}"
rm -rf "$work"
mkdir -p "$out" "$work"
extra=()
[ -n "${TRAIN_LIMIT:-}" ] && extra+=(--train-limit "$TRAIN_LIMIT")
[ -n "${TEST_LIMIT:-}" ] && extra+=(--test-limit "$TEST_LIMIT")
[ -n "${THREADS:-}" ] && extra+=(--threads "$THREADS")
[ -n "${WIDTH:-}" ] && extra+=(--width "$WIDTH")
[ -n "${EVAL_EVERY:-}" ] && extra+=(--eval-every "$EVAL_EVERY")
echo "Figure 3: layers ${LAYERS:-1 2 3}, ${EPOCHS:-20} epochs x ${SEEDS:-2} seeds, K = ${TEST_K:-100}, engine ${FIG3_ENGINE:-webgpu}, ${LIMIT:-540} s per depth"
for L in ${LAYERS:-1 2 3}; do
  timeout "${LIMIT:-540}" ./node hnca.mjs reproduce fig3 --layers "$L" --seeds "${SEEDS:-2}" --epochs "${EPOCHS:-20}" \
    --test-k "${TEST_K:-100}" --engine "${FIG3_ENGINE:-webgpu}" --data mnist-data "${extra[@]}" \
    --out "$work/layers-$L" > "$work/log-layers-$L.txt" 2>&1 &
done
wait
tail -n 12 "$work"/log-layers-*.txt
dirs=()
for L in ${LAYERS:-1 2 3}; do [ -f "$work/layers-$L/results.json" ] && dirs+=("$work/layers-$L"); done
if [ "${#dirs[@]}" -gt 0 ]; then
  ./node fig3-report.mjs "$out/fig3" "${dirs[@]}" && cat "$out/fig3/README.md"
else
  echo "no depth wrote its results: see the logs above"
fi
tar czf "$out/fig3.tgz" -C "$(dirname "$work")" "$(basename "$work")"
