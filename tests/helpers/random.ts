// Deterministic random inputs for the GPU kernel tests (values exactly representable in float32).
import { hash32 } from '../../src/rng/counterRng.ts';

export class TestRandom {
  private counter = 0;
  constructor(private readonly seed: number) {}
  /** uniform in [0, 1) */
  next(): number {
    return hash32((hash32(this.seed) ^ this.counter++) >>> 0) / 4294967296;
  }
  range(lo: number, hi: number): number {
    return Math.fround(lo + (hi - lo) * this.next());
  }
  bit(p = 0.5): number {
    return this.next() < p ? 1 : 0;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  floats(n: number, lo: number, hi: number): Float32Array {
    return Float32Array.from({ length: n }, () => this.range(lo, hi));
  }
}
