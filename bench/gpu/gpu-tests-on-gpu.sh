#!/usr/bin/env bash
# ONE call on the GPU machine (no Node, npm or Vitest there): the Node GPU test files of the suite
# (tests/gpu-*.test.ts and golden.test.ts, bundled by bench/gpu/bundleGpuTests.ts with Vitest's
# expect and a small runner, bench/gpu/testShim.ts) run under the carried Node with Dawn on the
# machine's adapter, so the first GPU lent tells whether they pass on real hardware. Inside the
# bundle made by bench/gpu/prepare.sh. Prints the adapter first (the proof of which device ran),
# each file's tests as they finish, and one table last: file, result, passed/failed/skipped, seconds.
# Env: GPU_TESTS="gpu-parity gpu-smoke" (a subset, by name without .test.mjs; default all),
# GPU_TEST_JOBS (files at once, default 4), GPU_TEST_LIMIT (seconds per file, default 480).
# Exit status 1 when any file failed. Logs in ./results/gpu-tests/ (and $OUT/gpu-tests/ when set).
# Dry run on a machine without a GPU (Dawn on SwiftShader; Chromium's driver on Debian):
#   bash bench/gpu/prepare.sh && VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
#     GPU_TESTS="gpu-smoke gpu-adapter" bash gpu-bundle/gpu-tests-on-gpu.sh
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
. ./unpack.sh
if [ ! -d tests ]; then
  if command -v xz >/dev/null 2>&1; then tar -xJf gpu-tests.tar.xz
  else python3 -c "import tarfile,sys; tarfile.open(sys.argv[1], 'r:xz').extractall('.')" gpu-tests.tar.xz; fi
fi
logs="$here/results/gpu-tests"
rm -rf "$logs" && mkdir -p "$logs"
export HNCA_SHADER_DIR="$here/shaders/" MNIST_DIR="$here/mnist-data" TFJS_WASM_DIR="$here/wasm"

echo "== the adapter Dawn gives these tests"
./node --input-type=module -e "
import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
const adapter = await create([]).requestAdapter();
if (!adapter) { console.log('NO ADAPTER: requestAdapter() returned null'); process.exit(1); }
const i = adapter.info;
console.log('adapter: ' + [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ') + (adapter.isFallbackAdapter ? ' (fallback adapter)' : ''));
" 2>&1 | tee "$logs/adapter.txt"

if [ -n "${GPU_TESTS:-}" ]; then files=(); for n in $GPU_TESTS; do files+=("tests/$n.test.mjs"); done
else files=(tests/*.test.mjs); fi
jobs_max="${GPU_TEST_JOBS:-4}"
limit="${GPU_TEST_LIMIT:-480}"

run_one() { # run_one tests/NAME.test.mjs: the file under its limit, its log, then "status seconds" in NAME.status
  local f="$1" name t0 rc
  name="$(basename "$f" .test.mjs)"
  t0=$(date +%s)
  if [ -f "$f" ]; then timeout "$limit" ./node "$f" > "$logs/$name.log" 2>&1; rc=$?
  else echo "no such test bundle: $f" > "$logs/$name.log"; rc=2; fi
  echo "$rc $(( $(date +%s) - t0 ))" > "$logs/$name.status"
  grep -E '^  (✓|✗|↓)|^ {6}' "$logs/$name.log" | sed "s/^/[$name] /"
}

echo "== ${#files[@]} test files, $jobs_max at a time, at most $limit s each"
for f in "${files[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
  run_one "$f" &
done
wait

failed=0
echo
echo "== GPU test files on $(sed 's/^adapter: //' "$logs/adapter.txt" | head -1)"
printf '%-36s %-8s %-30s %s\n' file result tests seconds
for f in "${files[@]}"; do
  name="$(basename "$f" .test.mjs)"
  read -r rc secs < "$logs/$name.status"
  summary="$(grep -E '^[^ ].*: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$logs/$name.log" | tail -1 | sed 's/^.*: //')"
  case "$rc" in
    0) result=pass ;;
    124) result=TIMEOUT; failed=1 ;;
    *) result=FAIL; failed=1 ;;
  esac
  printf '%-36s %-8s %-30s %s\n' "$name" "$result" "${summary:-(no summary: see $name.log)}" "$secs"
done
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT/gpu-tests" && cp "$logs"/* "$OUT/gpu-tests/"; fi
exit "$failed"
