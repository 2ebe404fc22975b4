#!/usr/bin/env bash
# On the GPU machine (Linux x86-64, NVIDIA driver with Vulkan, no Node/npm/network): unpack the
# bundle made by bench/gpu/prepare.sh, make sure a Vulkan loader is reachable, print the adapter,
# run the CPU engine vs tfjs-wasm and the WebGPU engine vs tfjs-webgpu, print one table last.
# Usage: bash run-on-gpu.sh   (env BENCH_SECONDS=2 per engine per configuration; results land in
# ./results/ next to this script, and $OUT/ too when OUT is set)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

. ./unpack.sh  # node, dawn.node, MNIST, the Vulkan loader and driver; prints the GPU

export BENCH_SECONDS="${BENCH_SECONDS:-2}"  # about 4–6 minutes in all; BENCH_CPU=0 runs the WebGPU rows only
export MNIST_DIR="$here/mnist-data" HNCA_SHADER_DIR="$here/shaders/" TFJS_WASM_DIR="$here/wasm" RESULTS_DIR="$here/results"
./node --version
./node bench.mjs 2>&1 | grep -v -e '^=*$' -e 'Hi, looks like you are running TensorFlow.js in Node.js' -e 'tfjs-node for more details' | tee results/log.txt
if [ -n "${OUT:-}" ]; then cp results/* "$OUT/"; fi
