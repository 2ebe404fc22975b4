// The browser benchmark's worker: a dedicated module worker like the playground's training
// worker (src/worker/trainingWorker.ts). It loads MNIST with the playground's loader, builds
// the same engines (createCpuEngine; createWebGpuEngine with the Vite-bundled shader sources)
// and times them after warm-up.
/// <reference lib="webworker" />
import type { Dataset } from '../../src/data/dataset.ts';
import { MNIST_ASSET_PATH, loadMnistAsset } from '../../src/data/mnistAsset.ts';
import { createCpuEngine } from '../../src/backends/cpu/index.ts';
import { createWebGpuEngine, describeAdapter } from '../../src/backends/webgpu/index.ts';
import { shaderSources } from '../../src/backends/webgpu/shaderSources.browser.ts';
import type { BanditEstimator, TrainingEngine } from '../../src/engine/types.ts';
import { browserBenchConfig, browserVaeConfig, BROWSER_VAE_ESTIMATORS, type BenchWorkerMessage, type BrowserBenchBackend, type BrowserBenchPlan, type BrowserBenchRow } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const THREAD = 'dedicated worker';
const CPU_WARMUP_STEPS = 5;

function post(message: BenchWorkerMessage): void {
  self.postMessage(message);
}

function log(line: string): void {
  post({ type: 'log', line });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * Durations of single steps (every run advances one update) until `budgetMs` has passed or
 * `maxSteps` were taken. The engines keep at most one chunk of GPU work in flight and step(0)
 * waits for it, so the last step also carries the wait for the queued work.
 */
async function timeSteps(engine: TrainingEngine, budgetMs: number, maxSteps: number): Promise<number[]> {
  await engine.step(0);
  const start = performance.now();
  const out: number[] = [];
  let last = start;
  do {
    await engine.step(1);
    const t = performance.now();
    out.push(t - last);
    last = t;
  } while (last - start < budgetMs && out.length < maxSteps);
  await engine.step(0);
  out[out.length - 1] += performance.now() - last;
  return out;
}

async function gpuAdapterName(): Promise<string> {
  const gpu = navigator.gpu as GPU | undefined;
  if (!gpu) return 'none: navigator.gpu is missing in the worker';
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return 'none: requestAdapter() returned null';
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    return `${describeAdapter(info)}${info.isFallbackAdapter === true ? ' [fallback adapter]' : ''}`;
  } catch (error) {
    return `none: requestAdapter() failed: ${messageOf(error)}`;
  }
}

async function createEngine(backend: BrowserBenchBackend, hidden: number, estimator: BanditEstimator, runs: number, data: Dataset): Promise<TrainingEngine> {
  const input = { config: browserBenchConfig(hidden, estimator, runs), data };
  if (backend === 'cpu') return createCpuEngine(input);
  // the playground passes navigator.gpu (src/worker/engineSelection.ts)
  return createWebGpuEngine(input, { gpu: navigator.gpu, shaders: shaderSources });
}

async function benchOne(plan: BrowserBenchPlan, backend: BrowserBenchBackend, hidden: number, estimator: BanditEstimator, runs: number, data: Dataset): Promise<BrowserBenchRow> {
  const base = { hidden, estimator, runs, backend, thread: THREAD };
  const setupStart = performance.now();
  const engine = await createEngine(backend, hidden, estimator, runs, data);
  try {
    // warm-up: allocation, pipeline compilation, JIT, first touch of the data
    await engine.step(backend === 'cpu' ? CPU_WARMUP_STEPS : 1);
    await engine.step(0);
    const setupMs = performance.now() - setupStart;
    const times = backend === 'cpu' ? await timeSteps(engine, plan.cpuSeconds * 1000, Number.POSITIVE_INFINITY) : await timeSteps(engine, Number.POSITIVE_INFINITY, plan.gpuSteps);
    // CPU: the median step (as bench/peer/compare.ts in Node); WebGPU: few steps with one in
    // flight, so the mean (total time including the final wait ÷ steps) is the throughput
    const msPerStep = backend === 'cpu' ? median(times) : times.reduce((a, b) => a + b, 0) / times.length;
    const msPerUpdate = msPerStep / runs;
    return { ...base, engine: engine.info.description, steps: times.length, msPerStep, msPerUpdate, updatesPerSecond: 1000 / msPerUpdate, setupMs };
  } finally {
    engine.dispose();
  }
}

function skippedRow(backend: BrowserBenchBackend, hidden: number, estimator: BrowserBenchRow['estimator'], runs: number, why: string): BrowserBenchRow {
  return { hidden, estimator, runs, backend, engine: '', thread: THREAD, steps: 0, msPerStep: Number.NaN, msPerUpdate: Number.NaN, updatesPerSecond: Number.NaN, setupMs: 0, skipped: why };
}

/** The playground's default VAE on the CPU engine (issue 23): median step of plan.vaeSeconds s after warm-up. */
async function benchVae(plan: BrowserBenchPlan, data: Dataset): Promise<BrowserBenchRow> {
  const config = browserVaeConfig();
  const runs = config.estimators.length;
  const base = { task: 'vae' as const, hidden: config.layers, estimator: BROWSER_VAE_ESTIMATORS.join(' + '), runs, backend: 'cpu' as const, thread: THREAD };
  const setupStart = performance.now();
  const engine = createCpuEngine({ config, data });
  try {
    await engine.step(CPU_WARMUP_STEPS);
    const setupMs = performance.now() - setupStart;
    const times = await timeSteps(engine, plan.vaeSeconds * 1000, Number.POSITIVE_INFINITY);
    const msPerStep = median(times);
    return { ...base, engine: engine.info.description, steps: times.length, msPerStep, msPerUpdate: msPerStep / runs, updatesPerSecond: (1000 * runs) / msPerStep, setupMs };
  } finally {
    engine.dispose();
  }
}

async function run(plan: BrowserBenchPlan): Promise<void> {
  const adapter = await gpuAdapterName();
  post({ type: 'adapter', adapter });
  log(`adapter: ${adapter}`);
  const url = new URL(`${import.meta.env.BASE_URL}${MNIST_ASSET_PATH}`, self.location.origin).href;
  const loadStart = performance.now();
  const data = await loadMnistAsset(url);
  log(`MNIST loaded from ${url} in ${(performance.now() - loadStart).toFixed(0)} ms (${data.train.count} train images)`);
  let gpuSpentMs = 0;
  for (const backend of plan.backends) {
    for (const hidden of plan.hiddens) {
      for (const estimator of plan.estimators) {
        for (const runs of plan.runs) {
          const label = `${backend} ${hidden} hidden ${estimator} ×${runs}`;
          let row: BrowserBenchRow;
          if (backend === 'webgpu' && adapter.startsWith('none')) row = skippedRow(backend, hidden, estimator, runs, `no adapter (${adapter})`);
          else if (backend === 'webgpu' && gpuSpentMs > plan.gpuBudgetSeconds * 1000) {
            row = skippedRow(backend, hidden, estimator, runs, `WebGPU time budget (${plan.gpuBudgetSeconds} s) spent`);
          } else {
            const start = performance.now();
            try {
              row = await benchOne(plan, backend, hidden, estimator, runs, data);
            } catch (error) {
              row = skippedRow(backend, hidden, estimator, runs, `failed: ${messageOf(error)}`);
            }
            if (backend === 'webgpu') gpuSpentMs += performance.now() - start;
          }
          log(row.skipped ? `${label}: skipped (${row.skipped})` : `${label}: ${row.msPerStep.toFixed(1)} ms/step over ${row.steps} steps (setup ${row.setupMs.toFixed(0)} ms)`);
          post({ type: 'row', row });
        }
      }
    }
  }
  if (plan.vaeSeconds > 0) {
    let row: BrowserBenchRow;
    try {
      row = await benchVae(plan, data);
    } catch (error) {
      row = { ...skippedRow('cpu', 2, BROWSER_VAE_ESTIMATORS.join(' + '), 2, `failed: ${messageOf(error)}`), task: 'vae' };
    }
    log(row.skipped ? `cpu VAE: skipped (${row.skipped})` : `cpu VAE 2 layers: ${row.msPerStep.toFixed(1)} ms/step over ${row.steps} steps`);
    post({ type: 'row', row });
  }
}

self.onmessage = (event: MessageEvent<BrowserBenchPlan>) => {
  run(event.data).then(
    () => post({ type: 'done' }),
    (error: unknown) => post({ type: 'error', message: messageOf(error) }),
  );
};
