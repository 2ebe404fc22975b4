// WebGPU-engine throughput for the contextual bandit, beside the CPU engine's rows
// (bench/cpuBandit.ts): the same configurations, the adapter's name in every row. On machines
// without a GPU the adapter is SwiftShader (a CPU Vulkan), so these rows measure correctness
// plumbing, not GPU speed; the configurations are kept small there.
import type { Dataset } from '../src/data/dataset.ts';
import { createWebGpuEngine, describeAdapter } from '../src/engine/gpu/index.ts';
import { isCpuAdapter } from '../src/engine/gpu/gpuDevice.ts';
import type { BanditEstimator } from '../src/engine/types.ts';
import { loadShaderSources } from '../src/node/shaderSources.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';
import { banditConfig, timeUpdates, type BenchRow } from './cpuBandit.ts';

export async function benchWebGpuBandit(data: Dataset, seconds: number): Promise<BenchRow[]> {
  const gpu = await nodeGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    return [{ section: 'webgpu-bandit', configuration: '-', engine: 'WebGPU', updatesPerSecond: 0, msPerUpdate: 0, note: 'no WebGPU adapter (requestAdapter() returned null)' }];
  }
  const name = describeAdapter(adapter.info);
  const software = isCpuAdapter(adapter.info);
  const shaders = loadShaderSources();
  const rows: BenchRow[] = [];
  const runsList: BanditEstimator[][] = software ? [['hnca']] : [['hnca'], ['reinforce'], ['hnca', 'reinforce', 'hnca-baseline', 'reinforce-baseline']];
  for (const hidden of software ? [1] : [1, 3]) {
    for (const estimators of runsList) {
      const config = { ...banditConfig(hidden, estimators), width: software ? 50 : 200 };
      const engine = await createWebGpuEngine({ config, data }, { gpu, shaders, errorScopes: false });
      const ups = await timeUpdates(engine, 2, seconds, software ? 2 : 25);
      engine.dispose();
      rows.push({
        section: 'webgpu-bandit',
        configuration: `${hidden} hidden × ${config.width}, ${estimators.join(' + ')}, ${estimators.length} run(s)`,
        engine: `WebGPU: ${name}`,
        updatesPerSecond: ups,
        msPerUpdate: 1000 / ups,
        note: software ? 'software adapter: not a GPU speed' : estimators.length > 1 ? 'all runs advance each update' : undefined,
      });
    }
  }
  return rows;
}
