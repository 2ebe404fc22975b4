#!/usr/bin/env bash
# On the GPU machine (Linux x86-64, NVIDIA driver with Vulkan, no Node/npm/network): unpack the
# bundle made by bench/gpu/prepare.sh, make sure a Vulkan loader is reachable, print the adapter,
# run the CPU engine vs tfjs-wasm and the WebGPU engine vs tfjs-webgpu, print one table last.
# Usage: bash run-on-gpu.sh   (env BENCH_SECONDS=2 per engine per configuration; results land in
# ./results/ next to this script, and $OUT/ too when OUT is set)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

unxz_to() { # unxz_to FILE.xz DEST: xz if present, else Python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2"
  else python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$1" "$2"; fi
}
[ -x node ] || { unxz_to node.xz node; chmod +x node; }
dawn=node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$dawn" ] || unxz_to "$dawn.xz" "$dawn"
mkdir -p mnist-data results
for f in mnist/*.xz; do b="$(basename "$f" .xz)"; [ -f "mnist-data/$b" ] || unxz_to "$f" "mnist-data/$b"; done

# Vulkan loader: the system's, else the carried Debian libvulkan1
if ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  echo "Vulkan loader: system ($(ldconfig -p | grep 'libvulkan\.so\.1' | head -1 | awk '{print $NF}'))"
else
  deb="$(ls deb/libvulkan1_*.deb 2>/dev/null | head -1 || true)"
  if [ -n "$deb" ]; then
    mkdir -p vulkan
    if command -v dpkg-deb >/dev/null 2>&1; then dpkg-deb -x "$deb" vulkan
    else (cd vulkan && ar x "../$deb" && tar xf data.tar.*); fi
    libdir="$(dirname "$(find "$here/vulkan" -name 'libvulkan.so.1*' | head -1)")"
    export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "Vulkan loader: carried ($libdir)"
  else
    echo "Vulkan loader: NONE found and none carried; the WebGPU rows will say why they are missing"
  fi
fi
# NVIDIA's Vulkan driver manifest where the container keeps it outside the standard paths
nv_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && [ -f "$nv_icd" ]; then export VK_DRIVER_FILES="$nv_icd"; echo "Vulkan driver: $nv_icd"; fi
if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true; fi

export BENCH_SECONDS="${BENCH_SECONDS:-2}"  # about 4–6 minutes in all; BENCH_CPU=0 runs the WebGPU rows only
export MNIST_DIR="$here/mnist-data" HNCA_SHADER_DIR="$here/shaders/" TFJS_WASM_DIR="$here/wasm" RESULTS_DIR="$here/results"
./node --version
./node bench.mjs 2>&1 | grep -v -e '^=*$' -e 'Hi, looks like you are running TensorFlow.js in Node.js' -e 'tfjs-node for more details' | tee results/log.txt
if [ -n "${OUT:-}" ]; then cp results/* "$OUT/"; fi
