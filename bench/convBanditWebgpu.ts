// The WebGPU conv bandit engine (src/backends/webgpu/convBandit, docs/math.md §7.2) in Node on Dawn
// (SwiftShader where there is no GPU): ms per whole update (minibatch, the trunk's forward and
// backward pass on tfjs-backend-webgpu, the Bernoulli layer, credit, signals, output, variance,
// Adam, counters), through engine.step, which waits for the GPU. The trunk alone is
// bench/convTrunkWebgpu.ts; the CPU engine's update is bench/convBandit.ts.
// Run alone: node --import tsx bench/convBanditWebgpu.ts   (BENCH_PAPER=1 adds the paper's size,
// timed over one update after one warm-up: about two minutes on SwiftShader)
import { createGpuConvBanditEngine } from '../src/backends/webgpu/index.ts';
import { PAPER_OPTIMIZER, type BanditEstimator, type ConvBanditConfig } from '../src/engine/types.ts';
import { loadMnist } from '../src/node/mnist.ts';
import { loadShaderSources } from '../src/node/shaderSources.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const data = loadMnist({ trainLimit: 1000, testLimit: 100 });
const gpu = await nodeGpu();
const shaders = loadShaderSources();
const sizes: { convLayers: 1 | 2; channels: number; width: number; batch: number; estimators: BanditEstimator[]; minUpdates: number }[] = [
  { convLayers: 1, channels: 4, width: 32, batch: 20, estimators: ['hnca'], minUpdates: 3 },
  { convLayers: 1, channels: 4, width: 32, batch: 20, estimators: ['hnca', 'reinforce'], minUpdates: 3 },
];
if (process.env.BENCH_PAPER === '1') sizes.push({ convLayers: 2, channels: 16, width: 200, batch: 50, estimators: ['hnca'], minUpdates: 1 });
console.log(`load average at start: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(', ')}`);
for (const { convLayers, channels, width, batch, estimators, minUpdates } of sizes) {
  const config: ConvBanditConfig = { task: 'conv-bandit', convLayers, channels, width, hiddenValues: 'pm1', estimators, seeds: [1], batch, ...PAPER_OPTIMIZER };
  const engine = await createGpuConvBanditEngine({ config, data }, { gpu, shaders });
  if (convLayers === 1 && estimators.length === 1) console.log(`adapter: ${engine.info.description}`);
  await engine.step(1); // warm-up: pipelines of both libraries compile on first use
  const start = performance.now();
  let n = 0;
  while (n < minUpdates || performance.now() - start < seconds * 1000) {
    await engine.step(1);
    n++;
  }
  const ms = (performance.now() - start) / n;
  console.log(`${convLayers} conv × ${channels} ch, ${width} units, batch ${batch}, ${estimators.length} run${estimators.length > 1 ? 's' : ''}: ${ms.toFixed(0)} ms per update (${n} updates)`);
  engine.dispose();
}
console.log(`load average at end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(', ')}`);
