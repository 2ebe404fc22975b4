// The CPU bench's PyTorch peer of the VAE update (bench/peer/torch/vae.py, issue 23): one
// long-lived /usr/bin/python3 process with torch on 1 thread, asked for one timing at a time so
// that the bench interleaves its timings with our engine's (the machine may be shared).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import path from 'node:path';
import type { VaeEstimator } from '../../src/engine/types.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(import.meta.dirname, 'torch', 'vae.py');

/** The line the bench prints where torch is missing. */
export const TORCH_INSTALL_HINT = 'PyTorch VAE peer rows: /usr/bin/python3 has no torch; install it with `apt-get install python3-torch libopenblas0-pthread` (then `npm run bench` adds them)';

/** A running peer; `time` answers one (estimator, depth) timing: process CPU ms per update. */
export class TorchVaePeer {
  private readonly lines: AsyncIterableIterator<string>;
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly reader: Interface,
    /** torch's version as the peer reported it */
    readonly version: string,
  ) {
    this.lines = reader[Symbol.asyncIterator]();
  }

  /** Starts the peer, or returns why it cannot run (no python3, no torch). */
  static async start(): Promise<TorchVaePeer | string> {
    const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) return TORCH_INSTALL_HINT;
    // the script pins every library to one thread itself (OpenBLAS included; `vae.py threads`)
    const child = spawn(PYTHON, [SCRIPT, 'bench'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const reader = createInterface({ input: child.stdout });
    const first = await reader[Symbol.asyncIterator]().next();
    const parts = String(first.value ?? '').split(' ');
    if (first.done || parts[0] !== 'ready') {
      child.kill();
      return `PyTorch VAE peer did not start (${String(first.value ?? 'no output')})`;
    }
    return new TorchVaePeer(child, reader, parts[1] ?? 'unknown');
  }

  /** CPU milliseconds per update of the peer's (estimator, layers) model over about `seconds` s. */
  async time(estimator: VaeEstimator, layers: number, seconds: number): Promise<number> {
    this.child.stdin.write(`${estimator} ${layers} ${seconds}\n`);
    const next = await this.lines.next();
    const ms = Number(String(next.value ?? '').split(' ')[0]);
    if (next.done || !Number.isFinite(ms)) throw new Error(`PyTorch VAE peer gave no timing for ${estimator}, ${layers} layers`);
    return ms;
  }

  close(): void {
    this.child.stdin.end();
    this.reader.close();
  }
}
