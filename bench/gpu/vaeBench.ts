// Entry of the GPU machine's VAE cost-versus-depth benchmark (issue 12; bundled by
// bench/gpu/prepare.sh as vae-bench.mjs, run by session-on-gpu.sh): prints the adapter, then ms
// per update of every VAE estimator at depth 1–5 on our WebGPU engine, each layer's increment,
// as a table; writes RESULTS_DIR/vae-gpu.md and vae-gpu.json.
// Env: MNIST_DIR, HNCA_SHADER_DIR, RESULTS_DIR, VAE_BENCH_SECONDS (per cell, default 2),
// VAE_BENCH_DEPTHS (default 1,2,3,4,5), VAE_BENCH_ESTIMATORS (default all six), VAE_BENCH_WIDTH (default
// 200, the paper's; a small width proves the script on SwiftShader).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { VAE_ESTIMATORS, type VaeEstimator } from '../../src/engine/types.ts';
import { loadMnist } from '../../src/node/mnist.ts';
import { createOurWebGpuEngine, openNodeGpu } from '../peer/webgpu.ts';
import { benchVaeWebGpu } from '../vae.ts';

const opened = await openNodeGpu();
if (typeof opened === 'string') {
  console.log(`WebGPU adapter: NONE — ${opened}`);
  process.exit(1);
}
console.log(`WebGPU adapter: ${opened.description}`);
const seconds = Number(process.env.VAE_BENCH_SECONDS ?? 2);
const depths = (process.env.VAE_BENCH_DEPTHS ?? '1,2,3,4,5').split(',').map(Number);
const estimators = (process.env.VAE_BENCH_ESTIMATORS?.split(',') ?? VAE_ESTIMATORS) as VaeEstimator[];
const width = Number(process.env.VAE_BENCH_WIDTH ?? 200);
const data = loadMnist(process.env.MNIST_DIR ? { dir: process.env.MNIST_DIR, verifyHash: true } : {});
const rows = await benchVaeWebGpu(data, seconds, (config) => createOurWebGpuEngine({ config, data }, opened.gpu), opened.description, estimators, depths, 2, width);
const lines = [
  `# WebGPU VAE: cost versus depth`,
  '',
  `${opened.description}; ${new Date().toISOString()}; ${seconds} s per cell, best of 2 rounds; one run per engine, width ${width}, batch 50.`,
  '',
  '| configuration | ms/update | updates/s | cost |',
  '|---|---:|---:|---|',
  ...rows.map((r) => `| ${r.configuration} | ${r.msPerUpdate.toFixed(3)} | ${r.updatesPerSecond.toFixed(1)} | ${r.note ?? ''} |`),
];
console.log(lines.join('\n'));
const out = process.env.RESULTS_DIR ?? '.';
writeFileSync(path.join(out, 'vae-gpu.md'), `${lines.join('\n')}\n`);
writeFileSync(path.join(out, 'vae-gpu.json'), `${JSON.stringify({ adapter: opened.description, seconds, rows }, null, 2)}\n`);
process.exit(0);
