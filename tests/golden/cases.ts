// Golden results of `hnca train` (issue 10's refactoring proof): fixed seeds, small limits, every
// estimator, the bandit at depth 1 and 3 (±1 and 0/1) on the CPU and WebGPU engines, the VAE at
// depth 2 with all six estimators. `record.ts` writes fixtures/<name>.json from the landed
// engines; `tests/golden.test.ts` re-runs each case and compares.

import { describeAdapter } from '../../src/backends/webgpu/runtime/adapter.ts';
import { nodeGpu, prepareVulkanEnvironment } from '../../src/node/webgpuNode.ts';

export interface GoldenCase {
  name: string;
  /** `hnca train` flags (without --out) */
  argv: string[];
  /** the case needs a WebGPU adapter */
  gpu: boolean;
}

const small = ['--train-limit', '200', '--test-limit', '60', '--width', '12', '--batch', '20', '--epochs', '2', '--seeds', '2', '--lr', '0.01'];
const bandit = (hidden: number, values: 'pm1' | '01', engine: 'cpu' | 'webgpu'): GoldenCase => ({
  name: `bandit-h${hidden}-${values}-${engine}`,
  argv: ['--task', 'bandit', '--hidden', String(hidden), '--hidden-values', values, '--estimator', 'all', '--engine', engine, '--threads', '1', ...small],
  gpu: engine === 'webgpu',
});

export const GOLDEN_CASES: GoldenCase[] = [
  bandit(1, 'pm1', 'cpu'),
  bandit(3, '01', 'cpu'),
  bandit(1, '01', 'cpu'),
  bandit(3, 'pm1', 'cpu'),
  bandit(1, 'pm1', 'webgpu'),
  bandit(3, '01', 'webgpu'),
  bandit(3, 'pm1', 'webgpu'),
  {
    name: 'vae-l2-cpu',
    argv: ['--task', 'vae', '--layers', '2', '--estimator', 'all', '--engine', 'cpu', '--threads', '1', '--test-k', '5', ...small],
    gpu: false,
  },
];

/** fixtures/adapters.json: the adapter (describeAdapter) each GPU fixture was recorded on, by case name */
export const ADAPTERS_FILE = 'adapters.json';

/** The adapter `hnca train --engine webgpu` gets here (Dawn, high-performance), described as the CLI does; null without one. */
export async function currentAdapter(): Promise<string | null> {
  prepareVulkanEnvironment();
  const adapter = await (await nodeGpu()).requestAdapter({ powerPreference: 'high-performance' });
  return adapter ? describeAdapter(adapter.info) : null;
}

/** The part of a results JSON that must not change: runs without wall-clock seconds (total and evaluation). */
export function goldenPart(document: { runs: { estimator: string; seed: number; epochs: Record<string, unknown>[] }[] }): unknown {
  return document.runs.map((run) => ({
    estimator: run.estimator,
    seed: run.seed,
    epochs: run.epochs.map(({ seconds: _seconds, evaluationSeconds: _evaluationSeconds, ...rest }) => rest),
  }));
}
