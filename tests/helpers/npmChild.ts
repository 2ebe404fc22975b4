// Child processes for the tests of the package as users get it (tests/package.test.ts,
// tests/productionCli.test.ts): npm and Node run with the environment of a plain shell, the
// repository's file list, and the tiny `hnca train` both run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

export const MINUTES = 60_000;

/** npm reads packages from its cache first: after the checkout's own `npm ci` nothing is downloaded. */
export const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of every child: without the npm_* variables of an enclosing `npm test`
 * (its project's prefix, lifecycle, package fields), keeping only where npm's cache, registry
 * and configuration files are.
 */
const NPM_KEPT = /^npm_config_(cache|registry|userconfig|globalconfig|cafile|proxy|https_proxy|noproxy|strict_ssl)$/i;
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || NPM_KEPT.test(key)));

/** Runs `command` in `cwd` (at most 4 minutes) and returns its exit status and output. */
export function run(command: string, args: readonly string[], cwd: string): Ran {
  const r = spawnSync(command, args, { cwd, env: childEnv, encoding: 'utf8', timeout: 4 * MINUTES });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs and requires exit status 0.
 * @throws Error with the command's output when it exits otherwise
 */
export function ok(command: string, args: readonly string[], cwd: string): Ran {
  const r = run(command, args, cwd);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The files a clone has, relative to ROOT: tracked ones and new ones git does not ignore (tests run before a commit too). */
export function repositoryFiles(): string[] {
  return ok('git', ['ls-files', '--cached', '--others', '--exclude-standard'], ROOT)
    .stdout.split('\n')
    .filter((f) => f && existsSync(path.join(ROOT, f)));
}

/** A tiny `hnca train`: HNCA and REINFORCE, one epoch of 6 updates on 300 MNIST images. */
export const TINY_TRAIN = ['train', '--task', 'bandit', '--hidden', '1', '--estimator', 'hnca,reinforce', '--epochs', '1', '--train-limit', '300', '--test-limit', '50', '--width', '10'];

/** The results JSON of TINY_TRAIN: two runs of 6 updates with a finite gradient variance each. */
export function expectTinyResults(file: string): void {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { runs: { estimator: string; epochs: { updates: number; logMeanGradVariance: number }[] }[] };
  expect(doc.runs.map((r) => r.estimator)).toEqual(['hnca', 'reinforce']);
  for (const r of doc.runs) {
    expect(r.epochs[0].updates).toBe(6);
    expect(Number.isFinite(r.epochs[0].logMeanGradVariance)).toBe(true);
  }
}
