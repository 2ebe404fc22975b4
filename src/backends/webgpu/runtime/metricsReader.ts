// Asynchronous metric readback: the update loop never waits for it. A flush copies the GPU's
// metric window (and the run states) into one of two staging buffers and clears the window;
// at most one mapAsync is in flight (mapState is checked); a window copied while the other
// buffer is being mapped waits its turn. A window is never dropped: when both staging buffers
// hold unread windows, the flush is skipped and the GPU window keeps accumulating.

/** One window of a program's metric sums, read back. */
export interface MetricsWindow {
  /** the window's sums, f32 (a program's layout, e.g. the bandit's [runs, 4 + layers]) */
  metrics: Float32Array;
  /** the program's state buffer at the end of the window (raw bytes, e.g. [runs] RunState) */
  runStates: ArrayBuffer;
}

/**
 * Reads a program's metric window back without stalling its updates (docs/math.md §4 metrics
 * flow back as plain records). Errors of mapAsync are kept in `error` and thrown by drain().
 */
export class MetricsReader {
  private readonly staging: GPUBuffer[];
  /** staging buffers holding a copied, unread window, in copy order */
  private readonly queued: number[] = [];
  private inFlight: Promise<void> | null = null;
  private failure: unknown = null;

  /**
   * @param makeStaging allocates a MAP_READ | COPY_DST buffer (through the runtime's GpuResources)
   * @param metricsBytes bytes of the metric window; runStateBytes: bytes of the state buffer
   * @param onWindow receives each window once, in copy order
   */
  constructor(
    makeStaging: (label: string, bytes: number) => GPUBuffer,
    private readonly metricsBytes: number,
    private readonly runStateBytes: number,
    private readonly onWindow: (window: MetricsWindow) => void,
  ) {
    const bytes = metricsBytes + runStateBytes;
    this.staging = [makeStaging('metrics staging A', bytes), makeStaging('metrics staging B', bytes)];
  }

  /** Encodes a copy of the window and its clearing; false when no staging buffer is free. */
  encodeFlush(encoder: GPUCommandEncoder, metrics: GPUBuffer, runStates: GPUBuffer): boolean {
    const free = this.staging.findIndex((s, i) => s.mapState === 'unmapped' && !this.queued.includes(i));
    if (free < 0) return false;
    const target = this.staging[free];
    encoder.copyBufferToBuffer(metrics, 0, target, 0, this.metricsBytes);
    encoder.copyBufferToBuffer(runStates, 0, target, this.metricsBytes, this.runStateBytes);
    encoder.clearBuffer(metrics, 0, this.metricsBytes);
    this.queued.push(free);
    return true;
  }

  /** Call after submitting the encoder of encodeFlush: maps the oldest window if none is in flight. */
  pump(): void {
    if (this.inFlight || this.queued.length === 0) return;
    const index = this.queued[0];
    const buffer = this.staging[index];
    if (buffer.mapState !== 'unmapped') return;
    this.inFlight = buffer
      .mapAsync(GPUMapMode.READ, 0, this.metricsBytes + this.runStateBytes)
      .then(() => {
        const range = buffer.getMappedRange(0, this.metricsBytes + this.runStateBytes);
        const window = { metrics: new Float32Array(range.slice(0, this.metricsBytes)), runStates: range.slice(this.metricsBytes) };
        buffer.unmap();
        this.queued.shift();
        this.onWindow(window);
      })
      .catch((error: unknown) => {
        this.failure = error;
      })
      .finally(() => {
        this.inFlight = null;
        if (!this.failure) this.pump();
      });
  }

  get busy(): boolean {
    return this.queued.length >= this.staging.length;
  }

  /** Waits until every copied window has been read. */
  async drain(): Promise<void> {
    while (this.inFlight || this.queued.length > 0) {
      if (this.failure) break;
      if (!this.inFlight) this.pump();
      if (this.inFlight) await this.inFlight;
      else break;
    }
    if (this.failure) throw this.failure;
  }

  get error(): unknown {
    return this.failure;
  }
}
