// A new model on the one GpuEngine is its program plus one registration line (issue 22): a
// stand-in program of under 250 lines (helpers/linearPolicyProgram.ts, a linear softmax policy
// built from the bandit's kernels) trains, evaluates, grows its batch, checkpoints and restores
// bit for bit on the engine, without a line of engine code of its own. The registry refuses a
// task without a program before touching a device, and a program's set-up error rejects the
// factory and disposes the runtime.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgramEngine, createWebGpuEngine, GpuEngine, registered } from '../src/backends/webgpu/index.ts';
import { GPU_PROGRAMS } from '../src/backends/webgpu/programs.ts';
import { EngineError, PAPER_OPTIMIZER, type BanditConfig, type EngineFactoryInput, type VaeConfig } from '../src/engine/types.ts';
import type { Dataset, ImageSet } from '../src/data/dataset.ts';
import { freshDevice, randomDataset, SHADERS, testDevice } from './helpers/gpuTest.ts';
import { LinearPolicyProgram, linearPolicyProgram } from './helpers/linearPolicyProgram.ts';

const vae: VaeConfig = { task: 'vae', layers: 2, width: 4, estimators: ['reinforce'], seeds: [1], batch: 4, testK: 2, ...PAPER_OPTIMIZER };
const vaeInput: EngineFactoryInput = { config: vae, data: randomDataset(4, 2, 8, 4) };

/** Class c lights pixel c only (intensity 255, so binarization keeps it): a linear policy can learn it exactly. */
function onePixelPerClass(pixels: number, classes: number, count: number, offset: number): ImageSet {
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = (i * 3 + offset) % classes;
    images[i * pixels + labels[i]] = 255;
  }
  return { count, images, labels };
}
const data: Dataset = { rows: 1, cols: 8, pixels: 8, classes: 4, train: onePixelPerClass(8, 4, 200, 0), test: onePixelPerClass(8, 4, 40, 1) };
const config: BanditConfig = { ...PAPER_OPTIMIZER, task: 'bandit', hidden: 0, width: 4, hiddenValues: 'pm1', estimators: ['reinforce', 'reinforce-baseline'], seeds: [1, 2], batch: 16, lr: 0.05 };

async function linearEngine(change: Partial<BanditConfig> = {}) {
  return createProgramEngine(linearPolicyProgram, { config: { ...config, ...change }, data }, { device: await testDevice(), shaders: SHADERS });
}

describe('a new program on the GpuEngine (a linear softmax policy, tests/helpers/linearPolicyProgram.ts)', () => {
  it('is at most 250 lines', () => {
    expect(readFileSync(new URL('./helpers/linearPolicyProgram.ts', import.meta.url), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });

  it('trains and evaluates: test accuracy from chance to above 0.9 in 120 updates; counters count every update and example', async () => {
    const engine = await linearEngine();
    try {
      const before = await engine.evaluate();
      for (const r of before) expect(r.testScore).toBeLessThan(0.6);
      await engine.step(120);
      const after = await engine.evaluate();
      for (const r of after) expect(r.testScore).toBeGreaterThan(0.9);
      const counters = await engine.readCounters();
      for (const c of counters) {
        expect(c.updates).toBe(120);
        expect(c.examples).toBe(120 * 16);
        expect(c.finite).toBe(true);
        expect(Number.isFinite(c.gradVarianceSum) && c.gradVarianceSum > 0).toBe(true);
      }
      // the readouts every engine has, through the program
      const w = await engine.readWeights(1, 0);
      expect([w.rows, w.cols]).toEqual([4, 8]);
      const trace = await engine.inspect(1, Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 0]), 3);
      expect(trace.actionProbabilities.indexOf(Math.max(...trace.actionProbabilities))).toBe(2);
    } finally {
      engine.dispose();
    }
  });

  it('checkpoints and restores: an exported state imported into a fresh engine continues bit for bit, past a batch that outgrows the buffers', async () => {
    const [a, b] = [await linearEngine(), await linearEngine()];
    try {
      await a.step(7);
      a.setHyperparameters({ batch: 80 });
      await a.step(2);
      const saved = await a.exportState();
      await b.importState(saved, 'test state');
      expect(b.config.batch).toBe(80);
      await Promise.all([a.step(5), b.step(5)]);
      const [sa, sb] = [await a.exportState(), await b.exportState()];
      expect(sb.updatesDone).toBe(14);
      sa.runs.forEach((run, r) => {
        expect(sb.runs[r].counters).toEqual(run.counters);
        expect(sb.runs[r].baselines).toEqual(run.baselines);
        run.tensors.forEach((t, k) => expect(Array.from(sb.runs[r].tensors[k].value)).toEqual(Array.from(t.value)));
      });
      expect(await b.evaluate({ key: 3 })).toEqual(await a.evaluate({ key: 3 }));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("the engine checks what it relies on in a program: a state layout that does not fill a run's parameters is refused at creation", async () => {
    const skewed = {
      ...linearPolicyProgram,
      create: (context: Parameters<typeof linearPolicyProgram.create>[0]) => {
        const program = new LinearPolicyProgram(context);
        Object.defineProperty(program, 'paramsPerRun', { value: program.paramsPerRun + 1 });
        return program;
      },
    };
    const error = await createProgramEngine(skewed, { config, data }, { device: await testDevice(), shaders: SHADERS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toBe('WebGPU bandit program: its state layout holds 36 floats per run, its parameters 37');
  });

  it('refuses what it cannot train in one line (HNCA needs hidden units)', async () => {
    await expect(linearEngine({ estimators: ['hnca'] })).rejects.toThrow('the linear policy has no hidden units to give HNCA credit to');
  });
});

describe('GPU program registry', () => {
  const saved = { bandit: GPU_PROGRAMS.bandit, vae: GPU_PROGRAMS.vae };
  afterEach(() => {
    GPU_PROGRAMS.bandit = saved.bandit;
    GPU_PROGRAMS.vae = saved.vae;
  });

  it('one registration line makes a program the engine of its task', async () => {
    GPU_PROGRAMS.bandit = registered(linearPolicyProgram);
    const engine = await createWebGpuEngine({ config, data }, { device: await testDevice(), shaders: SHADERS });
    expect(engine).toBeInstanceOf(GpuEngine);
    expect(engine.program).toBeInstanceOf(LinearPolicyProgram);
    engine.dispose();
  });

  it('refuses a task without a program with EngineError("unavailable"), before acquiring a device', async () => {
    expect(saved.vae?.task).toBe('vae');
    delete GPU_PROGRAMS.vae;
    // no gpu and no device given: reaching acquireDevice would fail differently
    const error = await createWebGpuEngine(vaeInput, { shaders: {}, gpu: undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe('unavailable');
    expect((error as EngineError).message).toBe('WebGPU engine for task vae is not available yet');
  });

  it("a program's set-up error (a shader that does not compile) rejects the factory with EngineError and disposes the runtime", async () => {
    const device = await freshDevice();
    const shaders = { ...SHADERS, 'softmax_action_reward.wgsl': SHADERS['softmax_action_reward.wgsl'].replace(/fn main/, 'fn main() { undefinedName; }\nfn unused') };
    const error = await createProgramEngine(linearPolicyProgram, { config, data }, { device, shaders }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toMatch(/undefinedName|softmax_action_reward/);
    // the given device is not the runtime's to destroy: it still works
    expect(device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE }).size).toBe(16);
    device.destroy();
  });
});
