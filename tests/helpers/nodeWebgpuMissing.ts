// When `npm test`'s set-up found no Vulkan driver for WebGPU in Node (scripts/test.ts), it says
// why in HNCA_NODE_WEBGPU_MISSING: the WebGPU-in-Node tests are then SKIPPED, visibly (with the
// reason in the report), and under CI the skip is a failure instead.
import { TestRunner, type TestContext } from 'vitest';
import { NODE_WEBGPU_MISSING_VAR, underCi } from '../../src/node/chromiumSetup.ts';

/** Skips the running test (`context`, else the current one) when WebGPU in Node cannot run here; under CI it fails instead. */
export function skipWithoutNodeWebgpu(context?: TestContext): void {
  const missing = process.env[NODE_WEBGPU_MISSING_VAR];
  if (!missing) return;
  if (underCi(process.env)) throw new Error(`${missing} (CI: not skipped)`);
  const test = context ?? TestRunner.getCurrentTest()?.context;
  if (!test) throw new Error(missing);
  test.skip(missing);
}
