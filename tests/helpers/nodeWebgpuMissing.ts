// One helper for every test that needs something outside the repository: WebGPU in Node (a Vulkan
// driver), root with mount namespaces, or a system command / Python module. When it is missing,
// the test is SKIPPED visibly with what is missing and why (the reason shows in the report); under
// CI the skip is a failure instead, with the same sentence. `npm test`'s set-up (scripts/test.ts)
// finds the WebGPU driver and says in HNCA_NODE_WEBGPU_MISSING why there is none.
import { spawnSync } from 'node:child_process';
import { TestRunner, type TestContext } from 'vitest';
import { NODE_WEBGPU_MISSING_VAR, underCi } from '../../src/node/chromiumSetup.ts';

/** What a test needs from the machine. */
export type Requirement =
  /** Dawn with a Vulkan driver (SwiftShader or a GPU) */
  | { kind: 'node-webgpu' }
  /** root that may make a private mount namespace (util-linux unshare -m) */
  | { kind: 'root-mounts' }
  /** an executable on the PATH (or an absolute path) */
  | { kind: 'command'; command: string }
  /** python3 able to import `module` */
  | { kind: 'python-module'; module: string };

const probed = new Map<string, string | null>();

/** Why `r` is not met here, or null when it is (probed once per test file). */
export function whyMissing(r: Requirement): string | null {
  const key = JSON.stringify(r);
  if (!probed.has(key)) probed.set(key, probe(r));
  return probed.get(key) ?? null;
}

function probe(r: Requirement): string | null {
  switch (r.kind) {
    case 'node-webgpu':
      return process.env[NODE_WEBGPU_MISSING_VAR] || null;
    case 'root-mounts': {
      if (process.getuid?.() !== 0) return `not root (uid ${process.getuid?.() ?? 'unknown'}): the test bind-mounts a folder read-only in a private mount namespace`;
      const t = spawnSync('unshare', ['-m', 'true'], { encoding: 'utf8' });
      if (t.error) return `unshare (util-linux) could not be started: ${t.error.message}`;
      return t.status === 0 ? null : `unshare -m failed (${t.stderr.trim() || `exit ${t.status}`}): no private mount namespaces here`;
    }
    case 'command': {
      const t = spawnSync(r.command, ['--version'], { encoding: 'utf8' });
      return t.error ? `${r.command} could not be started (${t.error.message})` : null;
    }
    case 'python-module': {
      const t = spawnSync('python3', ['-c', `import ${r.module}`], { encoding: 'utf8' });
      if (t.error) return `python3 could not be started (${t.error.message})`;
      return t.status === 0 ? null : `python3 cannot import ${r.module} (${t.stderr.trim().split('\n').at(-1)})`;
    }
  }
}

/**
 * Skips the running test (`context`, else the current one) when any requirement is missing here,
 * saying which and why; under CI it fails instead (throws the same sentence).
 * @throws Error under CI, or outside a test, when something is missing
 */
export function requireTools(requirements: readonly Requirement[], context?: TestContext): void {
  const missing = requirements.map(whyMissing).filter((m): m is string => m !== null);
  if (missing.length === 0) return;
  const sentence = `missing on this machine: ${missing.join('; ')}`;
  if (underCi(process.env)) throw new Error(`${sentence} (CI: not skipped)`);
  const test = context ?? TestRunner.getCurrentTest()?.context;
  if (!test) throw new Error(sentence);
  test.skip(sentence);
}

/** requireTools for WebGPU in Node (the Node GPU tests, the CLI's --engine webgpu tests). */
export function skipWithoutNodeWebgpu(context?: TestContext): void {
  requireTools([{ kind: 'node-webgpu' }], context);
}
