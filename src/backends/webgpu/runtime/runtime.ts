// A WebGPU runtime that knows no model (issue 10, item 3): one device, its error scopes and
// loss, the buffers it owns, the pipelines of its programs' kernels and their submissions.
// A model is a GpuProgram on top of it (gpu/program.ts); the bandit is the first.
import { EngineError } from '../../../engine/types.ts';
import type { AcquiredDevice } from './adapter.ts';
import { checkGrid, type Grid } from './limits.ts';
import { bindKernel, createKernel, type BindingResource, type Kernel, type KernelSpec } from './pipelines.ts';
import { GpuResources } from './resources.ts';
import { normalizeSources } from './shaderModules.ts';

/** How the runtime watches the GPU. */
export interface RuntimeOptions {
  /** validation and out-of-memory error scopes around every submission (default true) */
  errorScopes?: boolean;
}

/**
 * The device, its errors and its resources, for one engine (docs/math.md §1, §6).
 *
 * Errors: GPU errors caught by the scopes of a submission, uncaptured errors and device loss
 * do not throw where they happen (the GPU reports them later); they break the runtime and
 * `check()` throws them at the next call as EngineError: 'device-lost' for a lost device,
 * 'limits' for out-of-memory, 'internal' for validation errors. After `dispose()` every
 * `check()` throws EngineError('internal').
 */
export class GpuRuntime {
  readonly device: GPUDevice;
  /** the adapter in one line */
  readonly description: string;
  /** the adapter is a CPU implementation (runtime/adapter.ts isSoftwareAdapter) */
  readonly cpuAdapter: boolean;
  /** the owner of every buffer of this runtime's programs */
  readonly res: GpuResources;
  /** the WGSL sources by file name */
  readonly files: ReadonlyMap<string, string>;
  private readonly ownsDevice: boolean;
  private readonly errorScopes: boolean;
  private broken: EngineError | null = null;
  private disposed = false;
  private setupErrors: Promise<(GPUError | null)[]> | null = null;
  private setupState: 'none' | 'open' | 'closed' = 'none';
  /** GPU errors outside the error scopes break the runtime (reported at the next check) */
  private readonly onUncapturedError = (event: Event): void => {
    if (this.disposed) return;
    this.broken ??= new EngineError(`WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`, 'internal');
  };

  /**
   * @param acquired the device (runtime/adapter.ts acquireDevice); destroyed by dispose() when owned
   * @param shaders WGSL sources: file name (or a path ending in it) → text
   */
  constructor(acquired: AcquiredDevice, shaders: Record<string, string>, options: RuntimeOptions = {}) {
    this.device = acquired.device;
    this.description = acquired.description;
    this.cpuAdapter = acquired.cpuAdapter;
    this.ownsDevice = acquired.owned;
    this.errorScopes = options.errorScopes ?? true;
    this.files = normalizeSources(shaders);
    this.res = new GpuResources(this.device);
    this.device.lost.then((info) => {
      if (!this.disposed) this.broken = new EngineError(`WebGPU device lost (${info.reason}): ${info.message || 'no message'}; recreate the engine or use the CPU engine`, 'device-lost');
    });
    this.device.addEventListener('uncapturederror', this.onUncapturedError);
  }

  /**
   * The tile edge of the tiled kernels: 16 (256 invocations) on GPUs, 8 where the device allows
   * fewer than 256 invocations, 4 on CPU adapters, where workgroup barriers are expensive
   * (SwiftShader: tile 16 measured 3–10× slower than tile 4 on these kernels).
   */
  get defaultTile(): number {
    return this.cpuAdapter ? 4 : this.device.limits.maxComputeInvocationsPerWorkgroup >= 256 ? 16 : 8;
  }

  /** The compiled kernel of `spec` (cached per device and shader key; see pipelines.ts createKernel). */
  kernel(spec: KernelSpec): Kernel {
    return createKernel(this.device, this.files, spec);
  }

  /**
   * The kernels `names`, each declared by `spec` and compiled (or taken from the cache), by name.
   * @throws EngineError('limits') when a kernel exceeds a device limit (its workgroup, its buffers)
   */
  kernels<N extends string>(names: readonly N[], spec: (name: N) => KernelSpec): Record<N, Kernel> {
    const out = {} as Record<N, Kernel>;
    for (const name of names) out[name] = this.kernel(spec(name));
    return out;
  }

  /** A bind group of `kernel` from named buffers (pipelines.ts bindKernel). */
  bind(kernel: Kernel, label: string, resources: Readonly<Record<string, BindingResource>>): GPUBindGroup {
    return bindKernel(this.device, kernel, label, resources);
  }

  /**
   * Opens validation and out-of-memory error scopes around a program's set-up (shader
   * compilation, pipelines, buffers, bind groups), so that its GPU errors are reported by
   * ready() rather than at the first update. Once per runtime; pair it with endSetup().
   * @throws EngineError('internal') when called twice
   */
  beginSetup(): void {
    if (this.setupState !== 'none') throw new EngineError('WebGPU runtime: beginSetup() called twice', 'internal');
    this.setupState = 'open';
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
  }

  /**
   * Closes the set-up scopes: their errors are kept for ready(), or discarded when the set-up
   * threw (`completed` false; the program's own error is the one to report).
   */
  endSetup(completed: boolean): void {
    if (this.setupState !== 'open') throw new EngineError('WebGPU runtime: endSetup() without beginSetup()', 'internal');
    this.setupState = 'closed';
    const popped = Promise.all([this.device.popErrorScope(), this.device.popErrorScope()]);
    if (completed) this.setupErrors = popped;
    else void popped.catch(() => undefined);
  }

  /**
   * Resolves once the set-up is validated.
   * @throws EngineError('limits') for an out-of-memory error, EngineError('internal') for a
   * validation error (with the GPU's message), or what check() throws
   */
  async ready(): Promise<void> {
    const errors = this.setupErrors ? await this.setupErrors : [];
    const error = errors.find((e) => e !== null);
    if (error) {
      const kind = error instanceof GPUOutOfMemoryError ? 'limits' : 'internal';
      throw new EngineError(`WebGPU engine setup failed: ${error.message}`, kind);
    }
    this.check();
  }

  /**
   * Throws the error that broke the runtime, if any.
   * @throws EngineError ('device-lost', 'limits' or 'internal'; 'internal' after dispose())
   */
  check(): void {
    if (this.disposed) throw new EngineError('WebGPU engine: used after dispose()', 'internal');
    if (this.broken) throw this.broken;
  }

  /** Breaks the runtime with `error` (the first error wins); check() throws it from now on. */
  fail(error: EngineError): void {
    this.broken ??= error;
  }

  /**
   * Refuses a dispatch grid over maxComputeWorkgroupsPerDimension (limits.ts checkGrid): call it
   * when a program plans its dispatches, before encoding them.
   * @throws EngineError('limits') naming the kernel, the dimension and the value
   */
  checkGrid(grid: Grid, what: string): void {
    checkGrid(this.device, grid, what);
  }

  /** Submits with error scopes; a validation or memory error breaks the runtime (reported by the next check()). */
  submit(encoder: GPUCommandEncoder): void {
    if (this.errorScopes) {
      this.device.pushErrorScope('validation');
      this.device.pushErrorScope('out-of-memory');
    }
    this.device.queue.submit([encoder.finish()]);
    if (this.errorScopes) {
      for (const kind of ['out-of-memory', 'validation']) {
        this.device.popErrorScope().then((error) => {
          if (error) this.broken ??= new EngineError(`WebGPU ${kind} error: ${error.message}`, kind === 'validation' ? 'internal' : 'limits');
        }, () => undefined);
      }
    }
  }

  /** Resolves when the GPU has done every submitted command. */
  async idle(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
  }

  /** Releases every buffer, stops listening to the device, and destroys it when owned. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.device.removeEventListener('uncapturederror', this.onUncapturedError);
    this.res.dispose();
    if (this.ownsDevice) this.device.destroy();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
}
