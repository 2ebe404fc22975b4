#!/usr/bin/env bash
# On the GPU machine, inside the unpacked bundle: the paper's Figure 1 grid with the WebGPU
# engine, one process per depth in parallel; results packed into $OUT/fig1.tgz.
# Usage: EPOCHS=100 SEEDS=5 bash reproduce-fig1-on-gpu.sh
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
unxz_to() {
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2"
  else python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$1" "$2"; fi
}
[ -x node ] || { unxz_to node.xz node; chmod +x node; }
dawn=node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$dawn" ] || unxz_to "$dawn.xz" "$dawn"
mkdir -p mnist-data
for f in mnist/*.xz; do b="$(basename "$f" .xz)"; [ -f "mnist-data/$b" ] || unxz_to "$f" "mnist-data/$b"; done
nv_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && [ -f "$nv_icd" ]; then export VK_DRIVER_FILES="$nv_icd"; fi
export HNCA_SHADER_DIR="$here/shaders/"
out="${OUT:-$here/results}"
mkdir -p "$out" /tmp/fig1
for h in ${HIDDEN:-1 2 3}; do
  timeout "${LIMIT:-500}" ./node hnca.mjs reproduce fig1 --hidden "$h" --seeds "${SEEDS:-5}" --epochs "${EPOCHS:-100}" \
    --engine webgpu --data mnist-data --out "/tmp/fig1/hidden-$h" > "/tmp/fig1/log-hidden-$h.txt" 2>&1 &
done
wait
tail -n 30 /tmp/fig1/log-hidden-*.txt
tar czf "$out/fig1.tgz" -C /tmp fig1
