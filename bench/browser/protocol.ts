// What the browser benchmark page measures and what it reports back (shared by the page,
// its worker and the Node driver; no Node or DOM imports).
import { PAPER_OPTIMIZER, type BanditConfig, type BanditEstimator, type VaeConfig, type VaeEstimator } from '../../src/engine/types.ts';

export type BrowserBenchBackend = 'cpu' | 'webgpu';

export interface BrowserBenchPlan {
  hiddens: number[];
  estimators: BanditEstimator[];
  runs: number[];
  backends: BrowserBenchBackend[];
  /** CPU engine: seconds of timed steps per configuration (after warm-up) */
  cpuSeconds: number;
  /** WebGPU engine: timed steps per configuration (SwiftShader: about a second each) */
  gpuSteps: number;
  /** WebGPU engine: stop starting new configurations after this many seconds in total */
  gpuBudgetSeconds: number;
  /** CPU engine: seconds of timed steps of the playground's VAE (BROWSER_VAE_CONFIG; 0 skips it; issue 23) */
  vaeSeconds: number;
}

/** The playground's default VAE (src/app/model defaults): 2 layers of 200, batch 50, f-HNCA + baseline beside REINFORCE, one seed. */
export const BROWSER_VAE_ESTIMATORS: VaeEstimator[] = ['fhnca-baseline', 'reinforce'];
export function browserVaeConfig(): VaeConfig {
  return { task: 'vae', layers: 2, width: 200, estimators: BROWSER_VAE_ESTIMATORS, seeds: [0], batch: 50, testK: 10, ...PAPER_OPTIMIZER };
}

export const DEFAULT_PLAN: BrowserBenchPlan = {
  hiddens: [1, 3],
  estimators: ['hnca', 'reinforce'],
  runs: [1, 4],
  backends: ['cpu', 'webgpu'],
  cpuSeconds: 2,
  gpuSteps: 3,
  gpuBudgetSeconds: 110,
  vaeSeconds: 4,
};

export interface BrowserBenchRow {
  /** 'bandit' (hidden layers) or 'vae' (stochastic layers: the playground's VAE, runs = its estimators) */
  task?: 'bandit' | 'vae';
  hidden: number;
  estimator: BanditEstimator | string;
  runs: number;
  backend: BrowserBenchBackend;
  /** engine.info.description (the adapter's name for WebGPU) */
  engine: string;
  /** where it ran: "dedicated worker" */
  thread: string;
  /** timed steps (each advances every run by one update) after warm-up */
  steps: number;
  /** time to advance every run by one update: CPU the median step, WebGPU the mean */
  msPerStep: number;
  /** msPerStep / runs */
  msPerUpdate: number;
  /** run-updates per second */
  updatesPerSecond: number;
  /** engine creation (shader compilation, allocation) and warm-up */
  setupMs: number;
  /** set instead of the timings when the configuration was skipped or failed */
  skipped?: string;
}

export interface BrowserBenchResults {
  done: boolean;
  userAgent: string;
  hardwareConcurrency: number;
  /** requestAdapter() in the worker: describeAdapter(info), or why there is none */
  adapter: string;
  rows: BrowserBenchRow[];
  error?: string;
}

/** Messages from the worker to the page. */
export type BenchWorkerMessage =
  | { type: 'log'; line: string }
  | { type: 'adapter'; adapter: string }
  | { type: 'row'; row: BrowserBenchRow }
  | { type: 'done' }
  | { type: 'error'; message: string };

export function browserBenchConfig(hidden: number, estimator: BanditEstimator, runs: number): BanditConfig {
  const seeds = Array.from({ length: runs }, (_, i) => i);
  return { task: 'bandit', hidden, width: 200, hiddenValues: 'pm1', estimators: [estimator], seeds, batch: 50, ...PAPER_OPTIMIZER };
}

function numbers(value: string | null, fallback: number[]): number[] {
  if (!value) return fallback;
  const list = value.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return list.length > 0 ? list : fallback;
}

/** The plan from the page's query string (?hidden=1,3&runs=1,4&backends=cpu,webgpu&cpuSeconds=2&gpuSteps=3&gpuBudget=110). */
export function planFromQuery(search: string): BrowserBenchPlan {
  const q = new URLSearchParams(search);
  const backends = (q.get('backends') ?? '').split(',').filter((b): b is BrowserBenchBackend => b === 'cpu' || b === 'webgpu');
  const estimators = (q.get('estimators') ?? '').split(',').filter((e): e is BanditEstimator => e === 'hnca' || e === 'reinforce');
  const positive = (name: string, fallback: number): number => {
    const n = Number(q.get(name));
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return {
    hiddens: numbers(q.get('hidden'), DEFAULT_PLAN.hiddens),
    estimators: estimators.length > 0 ? estimators : DEFAULT_PLAN.estimators,
    runs: numbers(q.get('runs'), DEFAULT_PLAN.runs),
    backends: backends.length > 0 ? backends : DEFAULT_PLAN.backends,
    cpuSeconds: positive('cpuSeconds', DEFAULT_PLAN.cpuSeconds),
    gpuSteps: Math.round(positive('gpuSteps', DEFAULT_PLAN.gpuSteps)),
    gpuBudgetSeconds: positive('gpuBudget', DEFAULT_PLAN.gpuBudgetSeconds),
    vaeSeconds: q.get('vaeSeconds') === '0' ? 0 : positive('vaeSeconds', DEFAULT_PLAN.vaeSeconds),
  };
}
