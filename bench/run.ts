// `npm run bench`: throughput of every engine and model, printed as one table.
import { loadMnist } from '../src/node/mnist.ts';
import { benchCategoricalBandit } from './categoricalBandit.ts';
import { benchConvBandit } from './convBandit.ts';
import { benchCpuBandit, type BenchRow } from './cpuBandit.ts';
import { benchVae, benchVaeWebGpu } from './vae.ts';
import { TorchVaePeer } from './peer/torchVae.ts';
import { loadavg } from 'node:os';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const data = loadMnist();
const rows: BenchRow[] = [];
console.log(`hnca bench — ${new Date().toISOString()} — node ${process.version}, ${seconds} s per row`);
rows.push(...(await benchCpuBandit(data, seconds)));
// Issue 5: VAE estimators by depth (HNCA linear in depth; LOO and DisARM add partial passes)
// Issue 14: categorical units' backward pass against the forward pass, N = 2, 4, 8 (docs/math.md §7.1)
if (process.env.BENCH_CATEGORICAL !== '0') rows.push(...benchCategoricalBandit(data, Math.max(1, seconds / 2)));
// Issue 14: the same on the WebGPU engine, ms per update and where it goes by kernel (SwiftShader: a few minutes; BENCH_CATEGORICAL_GPU=0 skips)
if (process.env.BENCH_CATEGORICAL_GPU !== '0') {
  const { categoricalWebGpuRows, printCategoricalWebGpu, timeCategoricalWebGpu } = await import('./categoricalWebgpu.ts');
  const { openNodeGpu } = await import('./peer/webgpu.ts');
  const opened = await openNodeGpu();
  const device = typeof opened === 'string' ? undefined : await (await opened.gpu.requestAdapter())?.requestDevice();
  if (typeof opened === 'string' || !device) console.log(`categorical WebGPU rows: no adapter (${typeof opened === 'string' ? opened : 'requestDevice failed'})`);
  else {
    const timings = await timeCategoricalWebGpu(data, device, { updates: 1, rounds: 1 });
    printCategoricalWebGpu(timings);
    rows.push(...categoricalWebGpuRows(timings, opened.description));
    device.destroy();
  }
}
// Issue 23: the PyTorch peer's same VAE update, timed interleaved with ours (1 thread each)
if (process.env.BENCH_VAE !== '0') {
  const torch = await TorchVaePeer.start();
  if (typeof torch === 'string') console.log(torch);
  else console.log(`cpu-vae: PyTorch ${torch.version} peer interleaved with ours; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  rows.push(...(await benchVae(data, Math.max(1, seconds / 2), undefined, undefined, undefined, typeof torch === 'string' ? null : torch)));
  if (typeof torch !== 'string') torch.close();
}
// Issue 17: the conv bandit (appendix E) per update on the TensorFlow.js trunk's back ends
if (process.env.BENCH_CONV !== '0') rows.push(...(await benchConvBandit(data, Math.max(1, seconds / 2))));
// Issue 12: the WebGPU VAE's cost versus depth 1–5, on a hardware adapter (SwiftShader would take
// hours: BENCH_VAE_GPU=1 forces it, 0 skips); on the GPU machine bench/gpu/vaeBench.ts prints the same rows
if (process.env.BENCH_VAE_GPU !== '0') {
  const { createOurWebGpuEngine, openNodeGpu } = await import('./peer/webgpu.ts');
  const { isSoftwareAdapter } = await import('../src/backends/webgpu/index.ts');
  const opened = await openNodeGpu();
  if (typeof opened === 'string') console.log(`WebGPU VAE rows: no adapter (${opened})`);
  else if (isSoftwareAdapter(opened.description) && process.env.BENCH_VAE_GPU !== '1') console.log(`WebGPU VAE rows skipped on a software adapter (${opened.description}); BENCH_VAE_GPU=1 runs them`);
  else rows.push(...(await benchVaeWebGpu(data, Math.max(1, seconds / 2), (config) => createOurWebGpuEngine({ config, data }, opened.gpu), opened.description)));
}

const header = ['section', 'configuration', 'engine', 'updates/s', 'ms/update', 'note'];
const body = rows.map((r) => [r.section, r.configuration, r.engine, r.updatesPerSecond.toFixed(1), r.msPerUpdate.toFixed(2), r.note ?? '']);
const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
console.log(line(header));
for (const row of body) console.log(line(row));

// Issue 6: our engines vs TensorFlow.js and the cost structure; writes bench/RESULTS.md and bench/results.json.
if (process.env.BENCH_PEER !== '0') {
  const { runPeerBench } = await import('./peerBench.ts');
  const here = (name: string) => new URL(name, import.meta.url).pathname;
  await runPeerBench(data, { seconds, engineTable: [header, ...body], threaded: true, markdownPath: here('RESULTS.md'), jsonPath: here('results.json') });
}

// The browser variant (headless Chromium, the playground's page code; about 2.5 minutes): BENCH_BROWSER=1
// appends its "Browser" section to the RESULTS.md just written (or writes RESULTS-browser.md when BENCH_PEER=0).
if (process.env.BENCH_BROWSER === '1') {
  const { browserPlanFromEnv, runBrowserBench } = await import('./browser/browserBench.ts');
  const here = (name: string) => new URL(name, import.meta.url).pathname;
  const target = process.env.BENCH_PEER !== '0' ? { appendTo: here('RESULTS.md') } : { markdownPath: here('RESULTS-browser.md') };
  await runBrowserBench({ plan: browserPlanFromEnv(process.env), jsonPath: here('browser/results.json'), ...target });
}
