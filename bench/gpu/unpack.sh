# Sourced by the GPU-machine scripts, inside the unpacked bundle (bench/gpu/prepare.sh): unpacks
# node, dawn.node and MNIST once, finds a Vulkan loader (the system's, else the carried Debian
# libvulkan1) and NVIDIA's Vulkan driver manifest, and prints the GPU.
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
    libdir="$(dirname "$(find "$PWD/vulkan" -name 'libvulkan.so.1*' | head -1)")"
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
export HNCA_SHADER_DIR="$PWD/shaders/" MNIST_DIR="$PWD/mnist-data"
