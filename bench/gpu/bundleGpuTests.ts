// Bundles the Node GPU test files for the lent GPU machine (no Node, npm or Vitest there; the
// bundle carries its own Node, see bench/gpu/prepare.sh): each of GPU_TEST_FILES becomes <out>/tests/<name>.mjs, one file with
// everything it imports, 'vitest' replaced by bench/gpu/testShim.ts, ending in runCollected();
// Dawn's `webgpu` package stays external (the bundle carries node_modules/webgpu). What the tests
// read beside themselves goes along: the golden fixtures to <out>/tests/golden/fixtures, the
// helpers' sources to <out>/tests/helpers.
// Usage: node --import tsx bench/gpu/bundleGpuTests.ts OUT_DIR   (bench/gpu/prepare.sh runs it)
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The test files that need WebGPU in Node and run in one process: tests/gpu-*.test.ts (but
 * gpu-shader-sources, which compares with Vite's import.meta.glob) and golden.test.ts (its GPU
 * cases on this adapter, against the CPU fixtures within float32 tolerance on any adapter but
 * SwiftShader's). The CLI tests that start `npx tsx` children cannot run there (no npm).
 */
export function gpuTestFiles(): string[] {
  const gpu = readdirSync(path.join(root, 'tests'))
    .filter((f) => /^gpu-.*\.test\.ts$/.test(f) && f !== 'gpu-shader-sources.test.ts')
    .sort();
  return [...gpu, 'golden.test.ts'];
}

const BANNER = [
  "import { createRequire as __cr } from 'node:module';",
  "import { fileURLToPath as __fu } from 'node:url';",
  "import { dirname as __dn } from 'node:path';",
  'const require = __cr(import.meta.url);',
  'const __filename = __fu(import.meta.url);',
  'const __dirname = __dn(__filename);',
].join(' ');

/**
 * One test file (`test`: absolute, or relative to the repository root) bundled into `outfile`
 * with 'vitest' replaced by testShim.ts and a last line that runs its tests (runCollected).
 * @throws esbuild's error when the file does not bundle
 */
export async function bundleTestFile(test: string, outfile: string): Promise<void> {
  const shim = path.join(root, 'bench/gpu/testShim.ts');
  const file = path.resolve(root, test);
  await build({
    stdin: {
      contents: `import ${JSON.stringify(file)};\nimport { runCollected } from ${JSON.stringify(shim)};\nawait runCollected(${JSON.stringify(path.basename(file))});\n`,
      resolveDir: root,
      sourcefile: `run-${path.basename(file)}`,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu'],
    alias: { vitest: shim },
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: BANNER },
    outfile,
  });
}

async function main(out: string): Promise<void> {
  const dir = path.join(out, 'tests');
  mkdirSync(dir, { recursive: true });
  for (const file of gpuTestFiles()) await bundleTestFile(`tests/${file}`, path.join(dir, file.replace(/\.ts$/, '.mjs')));
  // files the tests read beside themselves: the golden fixtures, and helper sources (gpu-programs checks one's length)
  cpSync(path.join(root, 'tests/golden/fixtures'), path.join(dir, 'golden/fixtures'), { recursive: true });
  cpSync(path.join(root, 'tests/helpers'), path.join(dir, 'helpers'), { recursive: true });
  console.log(`bundled ${gpuTestFiles().length} GPU test files into ${dir}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node --import tsx bench/gpu/bundleGpuTests.ts OUT_DIR');
    process.exit(2);
  }
  await main(path.resolve(out));
}
