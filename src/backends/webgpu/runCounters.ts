// The run counters of a program on the WebGPU runtime, summed from its metric window
// (docs/math.md §4: metrics flow back as plain records). Every program (bandit, conv bandit, VAE)
// keeps the same window: per run [updates, examples, score sum, gradient-variance sum, one
// variance sum per layer] float32, cleared at each flush, and a RunState whose `finite` and
// `failedUpdate` say the first non-finite update. The window is copied every `flushEvery`
// updates and mapped without stalling the update loop (runtime/metricsReader.ts).
import { restoreCounters } from '../../engine/state.ts';
import { EngineError, type RunCounters } from '../../engine/types.ts';
import { MetricsReader, type MetricsWindow } from './runtime/metricsReader.ts';
import type { GpuRuntime } from './runtime/runtime.ts';
import { makeStructuredView, type StructDefinition } from './runtime/webgpuUtils.ts';

/** What a program's counter window reads: its shape and the buffers the kernels write. */
export interface RunCounterLayout {
  /** runs the engine trains (the window's first dimension) */
  runs: number;
  /** layers with a variance sum each (the window's stride is 4 + layers) */
  layers: number;
  /** the program's RunState struct (its `finite` and `failedUpdate` u32 fields are read) */
  runState: StructDefinition;
  /** the metric window, [runs, 4 + layers] float32 */
  metrics: GPUBuffer;
  /** the run states, [runs] RunState */
  runStates: GPUBuffer;
  /** the failure recorded for a run's first non-finite update, before ` at update N` (e.g. 'non-finite gradient') */
  failure: string;
  /** copy the window every this many updates (f32 sums stay exact enough at 50) */
  flushEvery: number;
}

/**
 * Every run's counters since the start: the windows read back so far, summed in f64. Owns the
 * metric staging buffers (allocated through the runtime's GpuResources, which frees them).
 * Construct between runtime.beginSetup() and endSetup().
 */
export class RunCounterWindow {
  private readonly totals: RunCounters[];
  private readonly reader: MetricsReader;
  private sinceFlush = 0;

  constructor(
    private readonly rt: GpuRuntime,
    private readonly layout: RunCounterLayout,
  ) {
    const { runs, layers, runState } = layout;
    this.totals = Array.from({ length: runs }, () => ({ updates: 0, examples: 0, scoreSum: 0, gradVarianceSum: 0, layerGradVarianceSum: new Array<number>(layers).fill(0), finite: true }));
    this.reader = new MetricsReader(
      (label, bytes) => rt.res.buffer(label, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
      runs * (4 + layers) * 4,
      runs * runState.size,
      (w) => this.accumulate(w),
    );
  }

  /**
   * The runtime's check, then the metric readback's.
   * @throws the runtime's error (runtime.ts check) or a failed metric readback as EngineError('internal')
   */
  check(): void {
    this.rt.check();
    if (this.reader.error) throw new EngineError(`WebGPU metric readback failed: ${String(this.reader.error)}`, 'internal');
  }

  /**
   * Submits `encoder`, which encodes `updates` updates, with a copy of the metric window when
   * `flushEvery` updates have passed since the last (and a staging buffer is free), then maps it.
   */
  submitUpdates(encoder: GPUCommandEncoder, updates: number): void {
    this.sinceFlush += updates;
    const flushed = this.sinceFlush >= this.layout.flushEvery && this.reader.encodeFlush(encoder, this.layout.metrics, this.layout.runStates);
    if (flushed) this.sinceFlush = 0;
    this.rt.submit(encoder);
    if (flushed) this.reader.pump();
  }

  /**
   * Every run's counters up to date: waits for the windows in flight, flushes the window now and
   * reads it (copies, in run order).
   * @throws as check(), or EngineError('internal') when no staging buffer is free after draining
   */
  async read(label: string): Promise<RunCounters[]> {
    this.check();
    await this.reader.drain();
    const encoder = this.rt.device.createCommandEncoder({ label });
    if (!this.reader.encodeFlush(encoder, this.layout.metrics, this.layout.runStates)) throw new EngineError('WebGPU engine: metric staging busy after drain', 'internal');
    this.sinceFlush = 0;
    this.rt.submit(encoder);
    this.reader.pump();
    await this.reader.drain();
    this.check();
    return this.totals.map((c) => ({ ...c, layerGradVarianceSum: [...c.layerGradVarianceSum] }));
  }

  /** Run `r`'s counters become `saved` (a state import; call after read(), which empties the window). */
  restore(r: number, saved: RunCounters): void {
    restoreCounters(this.totals[r], saved);
  }

  private accumulate(w: MetricsWindow): void {
    const { layers, runState, failure } = this.layout;
    const stride = 4 + layers;
    this.totals.forEach((c, r) => {
      const m = w.metrics.subarray(r * stride, (r + 1) * stride);
      c.updates += m[0];
      c.examples += m[1];
      c.scoreSum += m[2];
      c.gradVarianceSum += m[3];
      for (let k = 0; k < layers; k++) c.layerGradVarianceSum[k] += m[4 + k];
      const state = makeStructuredView(runState, w.runStates, r * runState.size).views as Record<string, Uint32Array>;
      if (state.finite[0] === 0 && c.finite) {
        c.finite = false;
        c.failure = `${failure} at update ${state.failedUpdate[0]}`;
      }
    });
  }
}
