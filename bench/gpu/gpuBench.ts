// Entry of the GPU-machine benchmark (bundled by bench/gpu/prepare.sh, run by run-on-gpu.sh):
// prints the adapter, then runs the peer benchmark — our CPU engine vs tfjs-wasm and our
// WebGPU engine vs tfjs-webgpu on that adapter — and prints its table last.
// Env: MNIST_DIR (the four IDX files), HNCA_SHADER_DIR, TFJS_WASM_DIR, RESULTS_DIR, BENCH_SECONDS.
import path from 'node:path';
import { loadMnist } from '../../src/node/mnist.ts';
import { runPeerBench } from '../peerBench.ts';
import { openNodeGpu } from '../peer/webgpu.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const opened = await openNodeGpu();
console.log(`WebGPU adapter: ${typeof opened === 'string' ? `NONE — ${opened}` : opened.description}`);
const data = loadMnist(process.env.MNIST_DIR ? { dir: process.env.MNIST_DIR, verifyHash: true } : {});
const out = process.env.RESULTS_DIR ?? '.';
await runPeerBench(data, {
  seconds,
  engineTable: [],
  threaded: false,
  markdownPath: path.join(out, 'RESULTS-gpu.md'),
  jsonPath: path.join(out, 'results-gpu.json'),
});
process.exit(0);
