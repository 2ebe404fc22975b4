// Our engines against TensorFlow.js (issue 6): the CPU engine vs tfjs-wasm, our WebGPU engine
// vs tfjs-webgpu on the same adapter, the cost structure (phases, depth 1–5), FLOPs and the
// achieved rate; prints the tables and writes bench/RESULTS.md and bench/results.json.
// Env: BENCH_PEER_RUNS (default "1,4,20"), BENCH_DEPTHS ("1,2,3,4,5"), BENCH_CPU=0 / BENCH_WEBGPU=0 skip a
// section, BENCH_GPU_RUNS / BENCH_GPU_HIDDEN (WebGPU configurations; SwiftShader: "1" / "1").
import { cpus, loadavg } from 'node:os';
import type { Dataset } from '../src/data/dataset.ts';
import { createCpuEngine } from '../src/backends/cpu/index.ts';
import { createThreadedCpuEngine } from '../src/node/threadedCpuEngine.ts';
import { useTfjsBackend } from './peer/backends.ts';
import { compare, engineStepper, peerStepper, type ComparisonRow, type Contender } from './peer/compare.ts';
import { ourPhases, peerPhases } from './peer/phases.ts';
import { comparisonTable, phaseTable, textTable, writeReport, type BenchReport, type PhaseRow } from './peer/report.ts';
import { createOurWebGpuEngine, openNodeGpu } from './peer/webgpu.ts';
import type { BanditEstimator } from '../src/engine/types.ts';

const ESTIMATORS: BanditEstimator[] = ['hnca', 'reinforce'];

export interface PeerBenchOptions {
  seconds: number;
  /** the engine table printed before (header row first), copied into RESULTS.md */
  engineTable: string[][];
  /** include our 2-thread engine (worker threads need the TypeScript sources: not in the GPU bundle) */
  threaded: boolean;
  markdownPath: string;
  jsonPath: string;
}

function list(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  return value.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

export function cpuName(): string {
  const all = cpus();
  return `${all[0]?.model.trim() ?? 'unknown CPU'} (${all.length} logical cores)`;
}

/** Phases of our engine and the peer (wasm) for depth 1..5, HNCA and REINFORCE. */
function costStructure(data: Dataset, seconds: number, depths: number[], log: (s: string) => void): PhaseRow[] {
  const rows: PhaseRow[] = [];
  for (const hidden of depths) {
    for (const estimator of ESTIMATORS) {
      rows.push({ engine: 'ours CPU', hidden, estimator, times: ourPhases(data, hidden, estimator, seconds) });
      rows.push({ engine: 'tfjs-wasm', hidden, estimator, times: peerPhases(data, hidden, estimator, seconds) });
      log(`  phases ${hidden} hidden ${estimator} done`);
    }
  }
  return rows;
}

export async function runPeerBench(data: Dataset, options: PeerBenchOptions): Promise<BenchReport> {
  const { seconds } = options;
  const log = (s: string) => console.log(s);
  const cpu = cpuName();
  const notes: string[] = [];
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: cpu,
    node: process.version,
    load: loadavg().map((x) => x.toFixed(2)).join(', '),
    adapter: 'not measured',
    secondsPerRow: seconds / 2,
    comparison: [],
    phases: [],
    engineRows: options.engineTable,
    notes,
  };
  const runs = list(process.env.BENCH_PEER_RUNS, [1, 4, 20]);

  if (process.env.BENCH_CPU !== '0') {
    log('peer benchmark: CPU engine vs TensorFlow.js (wasm backend, SIMD, 1 thread)');
    await useTfjsBackend('wasm');
    const cpuContenders: Contender[] = [
      { engine: 'ours CPU, 1 thread', device: cpu, isPeer: false, create: async (config) => engineStepper(createCpuEngine({ config, data })) },
      { engine: 'tfjs-wasm', device: cpu, isPeer: true, create: async (config) => peerStepper(config, data) },
    ];
    if (options.threaded) {
      cpuContenders.push({
        engine: 'ours CPU, 2 threads',
        device: cpu,
        isPeer: false,
        create: async (config) => (config.seeds.length < 2 ? null : engineStepper(await createThreadedCpuEngine({ config, data }, 2))),
      });
    }
    report.comparison.push(...(await compare(cpuContenders, { section: 'cpu', hiddens: [1, 3], estimators: ESTIMATORS, runs, seconds: seconds / 2, log })));

    log('peer benchmark: cost structure (phases, depth 1–5)');
    report.phases = costStructure(data, seconds / 4, list(process.env.BENCH_DEPTHS, [1, 2, 3, 4, 5]), log);
  } else notes.push('CPU section skipped (BENCH_CPU=0).');

  if (process.env.BENCH_WEBGPU !== '0') report.comparison.push(...(await webgpuSection(data, seconds, report, notes, log)));
  else notes.push('WebGPU section skipped (BENCH_WEBGPU=0).');

  notes.push(
    'The peer (bench/peer/tfjsBandit.ts) gets the same binarized minibatches and the same counter-based uniforms, so it draws the same samples; tests/peer-fairness.test.ts checks its gradients against the CPU engine.',
    'Runs: our engine advances all runs in one step (1 thread: one after another; 2 threads: split); the peer runs them one after another. Each run has its own seed and minibatches.',
    'tfjs-backend-wasm runs single-threaded in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there), so the fair CPU ratio is against our 1-thread rows.',
  );
  console.log('\n' + textTable(phaseTable(report.phases)));
  console.log('\n' + textTable(comparisonTable(report.comparison)));
  writeReport(report, options.markdownPath, options.jsonPath);
  console.log(`\nwrote ${options.markdownPath} and ${options.jsonPath}`);
  return report;
}

export async function webgpuSection(data: Dataset, seconds: number, report: BenchReport, notes: string[], log: (s: string) => void): Promise<ComparisonRow[]> {
  const opened = await openNodeGpu();
  if (typeof opened === 'string') {
    report.adapter = `none: ${opened}`;
    notes.push(`WebGPU section not run: ${opened}.`);
    return [];
  }
  report.adapter = opened.description;
  log(`peer benchmark: WebGPU on ${opened.description}`);
  const swiftshader = /swiftshader/i.test(opened.description);
  // SwiftShader takes seconds per update: one configuration size, one round
  const runs = list(process.env.BENCH_GPU_RUNS, swiftshader ? [1] : [1, 4, 20]);
  const hiddens = list(process.env.BENCH_GPU_HIDDEN, swiftshader ? [1] : [1, 3]);
  if (swiftshader) notes.push('WebGPU rows ran on SwiftShader (a CPU Vulkan, seconds per update here): they show that both run and their relative cost on a CPU emulation, not GPU throughput; 1 hidden layer, 1 run, one round.');
  const contenders: Contender[] = [];
  try {
    await useTfjsBackend('webgpu', opened.gpu);
    contenders.push({ engine: 'tfjs-webgpu', device: opened.description, isPeer: true, create: async (config) => peerStepper(config, data) });
  } catch (error) {
    notes.push(`tfjs-webgpu could not start in Node: ${error instanceof Error ? error.message : String(error)}.`);
  }
  contenders.push({
    engine: 'ours WebGPU',
    device: opened.description,
    isPeer: false,
    create: async (config) => engineStepper(await createOurWebGpuEngine({ config, data }, opened.gpu)),
  });
  if (contenders.length === 0) return [];
  return compare(contenders, { section: 'webgpu', hiddens, estimators: ESTIMATORS, runs, seconds: swiftshader ? 1 : seconds / 2, rounds: swiftshader ? 1 : 2, log });
}
