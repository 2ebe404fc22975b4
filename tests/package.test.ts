// The package as its users get it (issue 25), with real npm and plain Node (no tsx, no Vitest
// transform): `npm pack` → the tarball installed into an empty project → the README's library
// examples type-checked against the packed .d.ts files, the first one run, the WebGPU one run
// with Dawn linked in (the packed shaders found); the installed `hnca` bin (compiled lib/,
// worker threads) trains. (A clean copy with `npm ci --omit=dev`: tests/productionCli.test.ts.)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WEBGPU_MISSING_MESSAGE } from '../src/node/webgpuNode.ts';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';
import { expectTinyResults, MINUTES, NPM_FLAGS, ok, repositoryFiles, ROOT as root, run, TINY_TRAIN as tinyTrain, type Ran } from './helpers/npmChild.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-package-'));
/** The empty project the tarball is installed into (the second test runs in the first one's). */
const consumer = path.join(tmp, 'consumer');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The README's "Use it as a library" section. */
function librarySection(): string {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Use it as a library\n');
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The ```js blocks of a markdown text. */
function jsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};

/**
 * An empty project depending on the tarball, with a lockfile: the tarball's entry plus the
 * repository's locked production and optional packages (the tarball's dependency closure), so
 * that `npm ci` installs exactly the versions the repository is tested with.
 */
function consumerProject(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const spec = `file:${path.relative(dir, tarball)}`;
  const packages: Record<string, unknown> = { '': { name: 'consumer', dependencies: { [packageJson.name]: spec } } };
  for (const [key, entry] of Object.entries(lock.packages)) if (key.startsWith('node_modules/') && !entry.dev) packages[key] = entry;
  packages[`node_modules/${packageJson.name}`] = {
    version: packageJson.version,
    resolved: spec,
    dependencies: packageJson.dependencies,
    optionalDependencies: packageJson.optionalDependencies,
    bin: packageJson.bin,
    engines: packageJson.engines,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { [packageJson.name]: spec } }, null, 2));
  writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2));
}

/** A strict type check of `files` as a plain-JavaScript project would run it (checkJs). */
function typeCheck(dir: string, files: readonly string[]): Ran {
  const compilerOptions = { allowJs: true, checkJs: true, noEmit: true, strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023', 'dom'], types: [], skipLibCheck: true };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
  return run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
}

describe('the packed library', () => {
  it(
    'installs from its tarball into an empty project, where the README examples type-check and run with Node, and the hnca bin trains',
    () => {
      // npm pack runs prepack: `npm run build:lib` (tsc → lib/)
      const packed = ok('npm', ['pack', '--pack-destination', tmp, ...NPM_FLAGS], root);
      const tarball = path.join(tmp, packed.stdout.trim().split('\n').at(-1) ?? '');
      expect(existsSync(tarball)).toBe(true);
      const listing = ok('tar', ['-tzf', tarball], tmp).stdout.split('\n');
      for (const file of ['lib/library/index.js', 'lib/library/index.d.ts', 'lib/library/webgpu.js', 'lib/library/node.js', 'lib/cli/main.js', 'lib/node/cpuEngineWorker.js', 'shaders/rng.wgsl', 'bin/hnca.mjs', 'package.json', 'README.md']) {
        expect(listing).toContain(`package/${file}`);
      }
      // the docs the packed comments and README cite (docs/math.md §N)
      for (const doc of readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md'))) expect(listing).toContain(`package/docs/${doc}`);
      // no sources, tests or build inputs: the bin runs lib/ when src/ is absent
      expect(listing.filter((f) => /^package\/(src|tests|bench|scripts|wasm|node_modules)\//.test(f))).toEqual([]);

      consumerProject(consumer, tarball);
      // without optional packages: the library needs no Dawn (and the missing-webgpu message is checked below)
      ok('npm', ['ci', '--omit=optional', ...NPM_FLAGS], consumer);
      expect(existsSync(path.join(consumer, 'node_modules', packageJson.name, 'lib', 'library', 'index.js'))).toBe(true);
      expect(existsSync(path.join(consumer, 'node_modules', 'webgpu'))).toBe(false);

      const section = librarySection();
      const [cpuExample, webgpuExample] = jsBlocks(section);
      expect(cpuExample).toContain("from 'hnca-playground'");
      expect(webgpuExample).toContain("from 'hnca-playground/webgpu'");
      writeFileSync(path.join(consumer, 'example.mjs'), cpuExample);
      writeFileSync(path.join(consumer, 'webgpu-example.mjs'), webgpuExample);

      // the examples against the packed .d.ts files; a wrong estimator id must fail the same check
      const checked = typeCheck(consumer, ['example.mjs', 'webgpu-example.mjs']);
      expect(checked.stdout + checked.stderr).toBe('');
      expect(checked.status).toBe(0);
      writeFileSync(
        path.join(consumer, 'wrong.mjs'),
        "import { createCpuEngine, createPatternsDataset, PAPER_OPTIMIZER } from 'hnca-playground';\n" +
          "createCpuEngine({ config: { task: 'bandit', hidden: 1, width: 4, hiddenValues: 'pm1', estimators: ['no-such-estimator'], seeds: [0], batch: 4, ...PAPER_OPTIMIZER }, data: createPatternsDataset() });\n",
      );
      const wrong = typeCheck(consumer, ['wrong.mjs']);
      expect(wrong.status).not.toBe(0);
      expect(wrong.stdout).toMatch(/^wrong\.mjs\(2,\d+\): error TS2322: Type '"no-such-estimator"'/m);

      // the example with plain Node prints what the README says it prints
      const example = ok(process.execPath, ['example.mjs'], consumer);
      expect(example.stderr).toBe('');
      const lines = example.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      const variances = lines.map((line) => {
        const m = /^(hnca|reinforce): gradient variance (\S+), mean reward (\S+)$/.exec(line);
        expect(m, line).not.toBeNull();
        expect(section).toContain(`\`${line}\``);
        return Number(m?.[2]);
      });
      // HNCA's estimates vary less than REINFORCE's (docs/math.md §4)
      expect(variances[0]).toBeLessThan(variances[1]);

      // the installed bin: compiled CLI, CPU engine on two worker threads
      const bin = path.join(consumer, 'node_modules', '.bin', 'hnca');
      expect(ok(bin, ['--version'], consumer).stdout).toBe(`${packageJson.version}\n`);
      expect(ok('npm', ['exec', '--no', '--', 'hnca', '--version'], consumer).stdout).toBe(`${packageJson.version}\n`);
      const trained = ok(bin, [...tinyTrain, '--engine', 'cpu', '--threads', '2', '--out', 'tiny.json'], consumer);
      expect(trained.stdout).toMatch(/^CPU engine, 2 worker threads \(2 runs\)$/m);
      expectTinyResults(path.join(consumer, 'tiny.json'));
      // --engine webgpu without the optional webgpu package: one line saying so
      const webgpu = run(bin, [...tinyTrain, '--engine', 'webgpu', '--out', 'webgpu.json'], consumer);
      expect(webgpu.stderr).toBe(`hnca: ${WEBGPU_MISSING_MESSAGE}\n`);
      expect(webgpu.status).not.toBe(0);
    },
    8 * MINUTES,
  );

  it(
    "runs the README's WebGPU example there with Dawn linked in: loadShaderSources() finds the packed shaders/ and the engine trains",
    (context) => {
      skipWithoutNodeWebgpu(context);
      expect(existsSync(path.join(consumer, 'example.mjs')), 'the first test installed the tarball').toBe(true);
      const webgpuExample = jsBlocks(librarySection())[1];
      const dawn = path.join(root, 'node_modules', 'webgpu');
      expect(existsSync(dawn), 'the webgpu package (an optional dependency) is installed in the checkout').toBe(true);
      symlinkSync(dawn, path.join(consumer, 'node_modules', 'webgpu'), 'dir');
      const steps = 'await engine.step(5);\nconst counters = await engine.readCounters();\nconsole.log(engine.info.backend, counters.map((c) => c.updates).join(), counters.map((c) => c.gradVarianceSum / c.updates).join());\nengine.dispose();\n';
      writeFileSync(path.join(consumer, 'webgpu-steps.mjs'), webgpuExample + steps);
      const gpu = ok(process.execPath, ['webgpu-steps.mjs'], consumer);
      const [backend, updates, gpuVariances] = gpu.stdout.trim().split(' ');
      expect([backend, updates]).toEqual(['webgpu', '5,5']);
      const [hncaGpu, reinforceGpu] = gpuVariances.split(',').map(Number);
      expect(hncaGpu).toBeGreaterThan(0);
      expect(hncaGpu).toBeLessThan(reinforceGpu);
    },
    4 * MINUTES,
  );
});

describe('commands that never fetch', () => {
  it('no file in the repository tells users to run hnca through npx without --no', () => {
    const offenders = repositoryFiles().filter((f) => !/\.(png|jpe?g|gz|bin|wasm|tgz)$/.test(f) && /\bnpx\s+(--yes\s+|-y\s+)?hnca\b/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
