// The GPU machine's test runner (bench/gpu/testShim.ts, bundled by bench/gpu/bundleGpuTests.ts for
// bench/gpu/gpu-tests-on-gpu.sh): a test file bundled with it in place of Vitest reports its
// passes, failures, skips and time-outs, runs its hooks, titles .each cases as Vitest does, and
// exits 1 when anything failed — so a failing GPU test cannot pass there unnoticed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleTestFile, gpuTestFiles } from '../bench/gpu/bundleGpuTests.ts';

describe('the GPU machine\'s test runner', () => {
  it('reports each test as Vitest would and exits 1 on a failure', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hnca-shim-'));
    try {
      const out = path.join(dir, 'sample.mjs');
      await bundleTestFile('tests/fixtures/shim/shimSample.fixture.ts', out);
      const run = spawnSync(process.execPath, [out], { encoding: 'utf8', timeout: 60_000 });
      const lines = run.stdout.split('\n');
      const line = (start: string) => lines.find((l) => l.startsWith(start)) ?? `(no line starting ${start}: ${run.stdout}${run.stderr})`;
      expect(line('  ✓ outer > passes')).toMatch(/^ {2}✓ outer > passes with toBe/);
      expect(line('  ✗ outer > fails on a wrong value')).toMatch(/✗/);
      expect(run.stdout).toMatch(/the sum: expected 2 to be 3/);
      expect(line('  ✗ outer > fails on a promise that resolves')).toMatch(/✗/);
      expect(line('  ↓ outer > skips with a reason')).toMatch(/skipped: no such tool here/);
      expect(line('  ✗ outer > times out')).toMatch(/✗/);
      expect(run.stdout).toMatch(/the test timed out after 50 ms/);
      expect(line('  ✓ each two > n = 2, m = 3')).toMatch(/✓/);
      expect(line('  ✓ each two > n = 2, m = 4')).toMatch(/✓/);
      expect(run.stdout).toMatch(/afterAll ran/);
      expect(line('shimSample.fixture.ts:')).toBe('shimSample.fixture.ts: 3 passed, 3 failed, 1 skipped');
      expect(run.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('carries every Node GPU test file but the Vite-only one, and the golden test', () => {
    const files = gpuTestFiles();
    expect(files).toContain('gpu-parity.test.ts');
    expect(files).toContain('gpu-vae-unbiased.test.ts');
    expect(files).toContain('golden.test.ts');
    expect(files).not.toContain('gpu-shader-sources.test.ts');
    expect(files.length).toBeGreaterThan(20);
  });
});
