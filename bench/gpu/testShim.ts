// The Node GPU test files on a machine without Vitest (the lent GPU machine has no npm: see
// bench/gpu/gpu-tests-on-gpu.sh). bench/gpu/bundleGpuTests.ts bundles each test file with
// 'vitest' replaced by this module: describe / it (with .each, .skip and the options-object form),
// the four hooks, TestRunner.getCurrentTest() (tests/helpers/nodeWebgpuMissing.ts skips through
// it) and Vitest's own `expect` (@vitest/expect on chai, the matchers the suite uses, .resolves
// and .rejects included). runCollected() then runs the file's tests in order, one at a time, each
// under its time-out, prints one line per test and a summary, and sets the exit code.
// Not a second test runner for the project: `npm test` stays Vitest; this only carries the same
// files to a machine where Vitest cannot be installed.
import { ASYMMETRIC_MATCHERS_OBJECT, chai, getState, GLOBAL_EXPECT, JestAsymmetricMatchers, JestChaiExpect, JestExtend, setState, type ExpectStatic } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

/** Vitest's testTimeout and hookTimeout (vite.config.ts). */
const DEFAULT_TIMEOUT_MS = 120_000;

type TestFn = (context: TestContextShim) => unknown;
type HookFn = () => unknown;

interface TestEntry {
  kind: 'test';
  name: string;
  fn: TestFn | undefined;
  timeout: number;
  skip: boolean;
}

interface Suite {
  kind: 'suite';
  name: string;
  children: (Suite | TestEntry)[];
  beforeAll: HookFn[];
  afterAll: HookFn[];
  beforeEach: HookFn[];
  afterEach: HookFn[];
  skip: boolean;
}

/** What a test gets as its context (and TestRunner.getCurrentTest().context): its name and skip(). */
export interface TestContextShim {
  task: { name: string };
  skip: (note?: string) => never;
}

/** Thrown by context.skip(): the test ends as skipped with `note`. */
class SkipSignal extends Error {}

const root: Suite = { kind: 'suite', name: '', children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], skip: false };
let collecting: Suite = root;
let current: { context: TestContextShim } | undefined;

function suite(name: string): Suite {
  return { kind: 'suite', name, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], skip: false };
}

/** A value as Vitest's %s shows it (objects as JSON). */
function show(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** A .each title: printf-style %s %i %d %f %j %o %% by argument, then $a.b by the row object's fields. */
function title(template: string, row: unknown): string {
  const args = Array.isArray(row) ? row : [row];
  let k = 0;
  let out = template.replace(/%[sidfjo%]/g, (m) => (m === '%%' ? '%' : show(args[k++])));
  if (row !== null && typeof row === 'object' && !Array.isArray(row)) {
    out = out.replace(/\$([A-Za-z_][\w.]*)/g, (m, path: string) => {
      let v: unknown = row;
      for (const key of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
      return v === undefined ? m : show(v);
    });
  }
  return out;
}

function addSuite(name: string, body: () => void, skip: boolean): void {
  const s = suite(name);
  s.skip = skip || collecting.skip;
  collecting.children.push(s);
  const parent = collecting;
  collecting = s;
  try {
    body();
  } finally {
    collecting = parent;
  }
}

/** it(name, fn, timeout) or it(name, { timeout }, fn) */
function addTest(name: string, a: unknown, b: unknown, skip: boolean): void {
  const fn = (typeof a === 'function' ? a : typeof b === 'function' ? b : undefined) as TestFn | undefined;
  const options = typeof a === 'object' && a !== null ? (a as { timeout?: number }) : {};
  const timeout = typeof b === 'number' ? b : typeof a === 'number' ? a : (options.timeout ?? DEFAULT_TIMEOUT_MS);
  collecting.children.push({ kind: 'test', name, fn, timeout, skip: skip || collecting.skip || fn === undefined });
}

type RowFn = (...args: never[]) => unknown;

/** `table.forEach(row => define(title(template, row), () => fn(...row)))`, Vitest's .each */
function each(define: (name: string, body: () => unknown, extra?: unknown) => void) {
  return (table: readonly unknown[]) =>
    (template: string, fn: RowFn, extra?: unknown): void => {
      for (const row of table) define(title(template, row), () => (fn as (...args: unknown[]) => unknown)(...(Array.isArray(row) ? row : [row])), extra);
    };
}

export const describe = Object.assign((name: string, body: () => void) => addSuite(name, body, false), {
  skip: (name: string, body: () => void) => addSuite(name, body, true),
  each: each((name, body) => addSuite(name, body as () => void, false)),
});

export const it = Object.assign((name: string, a?: unknown, b?: unknown) => addTest(name, a, b, false), {
  skip: (name: string, a?: unknown, b?: unknown) => addTest(name, a, b, true),
  each: each((name, body, extra) => addTest(name, body, extra, false)),
});
export const test = it;

export const beforeAll = (fn: HookFn): void => void collecting.beforeAll.push(fn);
export const afterAll = (fn: HookFn): void => void collecting.afterAll.push(fn);
export const beforeEach = (fn: HookFn): void => void collecting.beforeEach.push(fn);
export const afterEach = (fn: HookFn): void => void collecting.afterEach.push(fn);

/** TestRunner.getCurrentTest(): the running test's context (for skip with a reason). */
export const TestRunner = { getCurrentTest: () => current };

/** Vitest's expect (createExpect in vitest's runtime, without the snapshot and poll plugins). */
type ExpectShim = ((value: unknown, message?: string) => unknown) & Record<string, unknown>;
const globals = globalThis as unknown as Record<string | symbol, unknown>;
export const expect = ((value: unknown, message?: string) => {
  const { assertionCalls } = getState(expectStatic);
  setState({ assertionCalls: assertionCalls + 1 }, expectStatic);
  return chai.expect(value, message);
}) as ExpectShim;
/** the same function as @vitest/expect's state functions see it */
const expectStatic = expect as unknown as ExpectStatic;
Object.assign(expect, chai.expect);
Object.assign(expect, globals[ASYMMETRIC_MATCHERS_OBJECT]);
const globalState = globals[GLOBAL_EXPECT] ? getState(globals[GLOBAL_EXPECT] as ExpectStatic) : {};
setState({ ...globalState, assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null }, expectStatic);

/** Resolves with fn's result, or rejects after `ms` (the test's time-out). */
async function withTimeout(fn: () => unknown, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/** The first lines of an error: its message and where in the test file it was thrown. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l) && !/node_modules|node:internal|testShim/.test(l));
  return [error.message, ...frames.slice(0, 3)].join('\n      ');
}

async function runSuite(s: Suite, path: string[], eachHooks: { before: HookFn[]; after: HookFn[] }, tally: Tally): Promise<void> {
  const here = s.name ? [...path, s.name] : path;
  const hooks = { before: [...eachHooks.before, ...s.beforeEach], after: [...s.afterEach, ...eachHooks.after] };
  const runnable = (x: Suite | TestEntry): boolean => (x.kind === 'test' ? !x.skip : x.children.some(runnable));
  const active = !s.skip && s.children.some(runnable);
  let setupError: unknown;
  if (active) {
    for (const h of s.beforeAll) {
      try {
        await withTimeout(h, DEFAULT_TIMEOUT_MS, 'beforeAll');
      } catch (error) {
        setupError = error;
        break;
      }
    }
  }
  for (const child of s.children) {
    if (child.kind === 'suite') {
      await runSuite(child, here, hooks, tally);
      continue;
    }
    const name = [...here, child.name].join(' > ');
    if (child.skip || !child.fn) {
      tally.skipped++;
      console.log(`  ↓ ${name} (skipped)`);
      continue;
    }
    if (setupError !== undefined) {
      tally.failed++;
      console.log(`  ✗ ${name}\n      beforeAll failed: ${describeError(setupError)}`);
      continue;
    }
    const context: TestContextShim = {
      task: { name: child.name },
      skip: (note?: string) => {
        throw new SkipSignal(note ?? 'skipped');
      },
    };
    current = { context };
    const fn = child.fn;
    const started = performance.now();
    try {
      for (const h of hooks.before) await withTimeout(h, DEFAULT_TIMEOUT_MS, 'beforeEach');
      await withTimeout(() => fn(context), child.timeout, 'the test');
      for (const h of hooks.after) await withTimeout(h, DEFAULT_TIMEOUT_MS, 'afterEach');
      tally.passed++;
      console.log(`  ✓ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      if (error instanceof SkipSignal) {
        tally.skipped++;
        console.log(`  ↓ ${name} (skipped: ${error.message})`);
      } else {
        tally.failed++;
        console.log(`  ✗ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)\n      ${describeError(error)}`);
      }
    } finally {
      current = undefined;
    }
  }
  if (active) {
    for (const h of s.afterAll) {
      try {
        await withTimeout(h, DEFAULT_TIMEOUT_MS, 'afterAll');
      } catch (error) {
        tally.failed++;
        console.log(`  ✗ ${here.join(' > ') || 'file'}: afterAll failed: ${describeError(error)}`);
      }
    }
  }
}

/**
 * Runs every test the file registered, in order; prints `✓`/`✗`/`↓` per test and
 * `<file>: N passed, M failed, K skipped` last; exit code 1 when any failed (or none ran).
 */
export async function runCollected(file: string): Promise<void> {
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const unhandled: unknown[] = [];
  process.on('unhandledRejection', (reason) => void unhandled.push(reason));
  console.log(`${file}`);
  await runSuite(root, [], { before: [], after: [] }, tally);
  for (const reason of unhandled) {
    tally.failed++;
    console.log(`  ✗ unhandled rejection: ${describeError(reason)}`);
  }
  console.log(`${file}: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
  process.exitCode = tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}
