// The CLI on production dependencies (issue 25): a clean copy of the repository (its files, no
// node_modules, no lib/) installed with `npm ci --omit=dev` runs `npm exec --no -- hnca train`:
// tsx, which runs the sources, is a dependency; TypeScript, Vitest, Vite and React are not
// installed. (The packed package's own bin runs its compiled lib/: tests/package.test.ts.)
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectTinyResults, MINUTES, NPM_FLAGS, ok, repositoryFiles, ROOT, TINY_TRAIN } from './helpers/npmChild.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-prod-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the CLI on production dependencies', () => {
  it(
    'runs `npm exec --no -- hnca train` in a clean copy of the repository after `npm ci --omit=dev`',
    () => {
      const clone = path.join(tmp, 'clone');
      for (const file of repositoryFiles()) {
        mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
        copyFileSync(path.join(ROOT, file), path.join(clone, file));
      }
      ok('npm', ['ci', '--omit=dev', ...NPM_FLAGS], clone);
      // the dev tools are absent (typescript may stay: it is an optional peer of valibot, a production
      // dependency, which npm keeps under --omit=dev; the CLI runs through tsx, never tsc)
      for (const dev of ['vitest', 'vite', 'react', '@vitejs/plugin-react', 'playwright-core']) expect(existsSync(path.join(clone, 'node_modules', dev)), dev).toBe(false);
      expect(existsSync(path.join(clone, 'node_modules', 'tsx'))).toBe(true);
      const trained = ok('npm', ['exec', '--no', '--', 'hnca', ...TINY_TRAIN, '--engine', 'cpu', '--threads', '2', '--out', 'tiny.json'], clone);
      expect(trained.stdout).toMatch(/^CPU engine, 2 worker threads \(2 runs\)$/m);
      expectTinyResults(path.join(clone, 'tiny.json'));
    },
    8 * MINUTES,
  );
});
