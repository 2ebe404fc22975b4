// What the tests need from the machine (issue 11): a Chromium for the browser tests, and a
// Vulkan driver for WebGPU in Node (Dawn), which on a machine without a GPU is the SwiftShader
// driver shipped next to that same Chromium (docs/math.md §6). The decisions are pure functions of
// a `MachineView` (so the tests simulate machines); `machineView()` is the real machine.
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isSoftwareAdapter } from '../backends/webgpu/runtime/adapter.ts';

/** The parts of a machine the set-up looks at. */
export interface MachineView {
  /** environment variables (CHROME_PATH, CI, VK_ICD_FILENAMES, VK_DRIVER_FILES) */
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  /** the effective user id (undefined where the platform has none) */
  uid: number | undefined;
  /** contents of /etc/os-release, undefined when absent */
  osRelease: string | undefined;
  /** whether `file` exists and is an executable regular file (links followed) */
  isExecutable(file: string): boolean;
  /** whether `file` exists (links followed) */
  exists(file: string): boolean;
  /** the path with links resolved (the path itself when it cannot be resolved) */
  realpath(file: string): string;
  /** the names in a directory ([] when it is not one) */
  list(dir: string): string[];
}

/** Where a browser is looked for when CHROME_PATH is not set, in this order. */
export const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];
/** The file name of SwiftShader's Vulkan ICD manifest inside a Chromium installation. */
export const SWIFTSHADER_ICD_NAME = 'vk_swiftshader_icd.json';
/** Where Vulkan drivers of a real GPU register (loader search paths, and NVIDIA's container path). */
export const HARDWARE_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/local/nvidia/share/vulkan/icd.d'];
/** What the set-up installs where it may: Debian's (and Ubuntu's) Chromium package. */
export const APT_INSTALL = ['apt-get', 'install', '-y', 'chromium'] as const;
const APT_GET = ['/usr/bin/apt-get', '/bin/apt-get'];
/** Installation directories of launchers that are shell scripts (the ICD is not next to them). */
const LAUNCHER_DIRS: Record<string, string[]> = {
  '/usr/bin/chromium': ['/usr/lib/chromium'],
  '/usr/bin/chromium-browser': ['/usr/lib/chromium-browser', '/usr/lib/chromium'],
  '/snap/bin/chromium': ['/snap/chromium/current/usr/lib/chromium-browser'],
};

/** The browser to use: CHROME_PATH when set (even when it is wrong), else the first system location present. */
export function locateChromium(m: MachineView): { path: string; from: 'CHROME_PATH' | 'system' } | undefined {
  const explicit = m.env.CHROME_PATH?.trim();
  if (explicit) return { path: explicit, from: 'CHROME_PATH' };
  const found = SYSTEM_CHROMIUM_PATHS.find((p) => m.isExecutable(p));
  return found ? { path: found, from: 'system' } : undefined;
}

/** SwiftShader's Vulkan ICD shipped with the browser at `browser` (next to its real binary, or in its launcher's library directory). */
export function swiftShaderIcdFor(m: MachineView, browser: string): string | undefined {
  const dirs = [path.dirname(m.realpath(browser)), ...((Object.hasOwn(LAUNCHER_DIRS, browser) ? LAUNCHER_DIRS[browser] : undefined) ?? [])];
  return dirs.map((d) => path.join(d, SWIFTSHADER_ICD_NAME)).find((icd) => m.exists(icd));
}

/** How Dawn in Node will reach a Vulkan driver. */
export type NodeVulkan =
  | { kind: 'preset'; variable: string } // the user chose the driver (VK_ICD_FILENAMES / VK_DRIVER_FILES)
  | { kind: 'hardware'; dir: string } // a real GPU's driver is registered
  | { kind: 'swiftshader'; icd: string } // SwiftShader from the browser
  | { kind: 'none' };

/** The Vulkan driver for WebGPU in Node: the user's choice, else a GPU's, else SwiftShader from `browser`. */
export function nodeVulkan(m: MachineView, browser: string | undefined): NodeVulkan {
  if (m.platform !== 'linux') return { kind: 'hardware', dir: `(${m.platform}: the system's own WebGPU back end)` };
  for (const variable of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES']) if (m.env[variable]) return { kind: 'preset', variable };
  // Mesa's lavapipe is software too, and too old for Dawn in Debian 12, so it does not count
  const dir = HARDWARE_ICD_DIRS.find((d) => m.list(d).some((f) => f.endsWith('.json') && !isSoftwareAdapter(f)));
  if (dir) return { kind: 'hardware', dir };
  const icd = browser === undefined ? undefined : swiftShaderIcdFor(m, browser);
  return icd ? { kind: 'swiftshader', icd } : { kind: 'none' };
}

/** What the test set-up does, with the one line it prints. */
export type SetupDecision =
  | { kind: 'found'; browser: string; vulkan: NodeVulkan; message: string; /** WebGPU-in-Node tests cannot run: the reason (one line) */ nodeWebgpuMissing?: string }
  | { kind: 'install'; command: readonly string[]; message: string }
  | { kind: 'refuse'; message: string };

function osIds(osRelease: string | undefined): string[] {
  const ids: string[] = [];
  for (const line of (osRelease ?? '').split('\n')) {
    const match = /^(ID|ID_LIKE)=["']?([^"'\n]*)["']?\s*$/.exec(line.trim());
    if (match) ids.push(...match[2].toLowerCase().split(/\s+/).filter(Boolean));
  }
  return ids;
}

/** Whether Debian's/Ubuntu's package manager is usable here, or why not. */
function aptInstallable(m: MachineView): { ok: true } | { ok: false; why: 'not-debian' | 'no-apt' | 'not-root' } {
  const ids = osIds(m.osRelease);
  if (m.platform !== 'linux' || !ids.some((id) => id === 'debian' || id === 'ubuntu')) return { ok: false, why: 'not-debian' };
  if (!APT_GET.some((p) => m.isExecutable(p))) return { ok: false, why: 'no-apt' };
  if (m.uid !== 0) return { ok: false, why: 'not-root' };
  return { ok: true };
}

const POINT_AT = 'or point the tests at an installed Chromium or Chrome: CHROME_PATH=/path/to/chrome npm test';

/**
 * The set-up's decision for a machine: use the browser found, install Debian's chromium, or
 * stop with one line saying what to install. `installed` is true after an install was tried
 * (then it is never proposed again).
 */
export function decideSetup(m: MachineView, installed = false): SetupDecision {
  const browser = locateChromium(m);
  if (browser && !m.isExecutable(browser.path)) {
    return { kind: 'refuse', message: `test set-up: CHROME_PATH=${browser.path} is not an executable file: set CHROME_PATH to a Chromium or Chrome binary, or unset it to use ${SYSTEM_CHROMIUM_PATHS[0]}` };
  }
  if (browser) {
    const vulkan = nodeVulkan(m, browser.path);
    const found = `Chromium ${browser.path}${browser.from === 'CHROME_PATH' ? ' (CHROME_PATH)' : ''}`;
    const vulkanText = vulkan.kind === 'swiftshader' ? `SwiftShader ${vulkan.icd}` : vulkan.kind === 'preset' ? `the driver in ${vulkan.variable}` : vulkan.kind === 'hardware' ? `the GPU driver in ${vulkan.dir}` : 'none';
    if (vulkan.kind !== 'none') return { kind: 'found', browser: browser.path, vulkan, message: `test set-up: ${found}; WebGPU in Node on ${vulkanText}` };
    const missing =
      `WebGPU in Node cannot run: no GPU Vulkan driver and no SwiftShader driver (${SWIFTSHADER_ICD_NAME}) with ${browser.path}; ` +
      `install Debian's chromium package (apt-get install -y chromium) and unset CHROME_PATH, or set VK_ICD_FILENAMES to a Vulkan ICD`;
    return { kind: 'found', browser: browser.path, vulkan, message: `test set-up: ${found}; ${missing}`, nodeWebgpuMissing: missing };
  }
  const apt = aptInstallable(m);
  if (apt.ok && !installed) {
    return { kind: 'install', command: APT_INSTALL, message: `test set-up: no Chromium found; installing Debian's chromium package (${APT_INSTALL.join(' ')}) for the browser tests and WebGPU in Node` };
  }
  const none = `no Chromium found (CHROME_PATH unset; looked in ${SYSTEM_CHROMIUM_PATHS.join(', ')})`;
  if (installed) return { kind: 'refuse', message: `test set-up: ${none} even after ${APT_INSTALL.join(' ')}: install it by hand, ${POINT_AT}` };
  if (!apt.ok && apt.why === 'not-root') return { kind: 'refuse', message: `test set-up: ${none}: run sudo ${APT_INSTALL.join(' ')} (npm test run as root installs it itself), ${POINT_AT}` };
  return { kind: 'refuse', message: `test set-up: ${none}: install Chromium or Google Chrome, and where it is elsewhere point the tests at it: CHROME_PATH=/path/to/chrome npm test` };
}

/** The environment variable through which the tests learn that WebGPU in Node cannot run (its value: why). */
export const NODE_WEBGPU_MISSING_VAR = 'HNCA_NODE_WEBGPU_MISSING';

/** Whether this run is under CI (CI set to anything but "", "0" or "false"), where any skip is a failure. */
export function underCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

/** After the set-up decided (and installed, if it did): stop with an exit code, or run the tests with these variables. */
export type TestRunPlan = { run: false; exitCode: number; line: string } | { run: true; line: string; env: Record<string, string>; afterwards?: string };

/** What `npm test` does with a final decision (never 'install'): refusals stop; a missing WebGPU-in-Node driver stops under CI, else its tests are skipped visibly. */
export function testRunPlan(decision: SetupDecision, env: Readonly<Record<string, string | undefined>>): TestRunPlan {
  if (decision.kind === 'refuse') return { run: false, exitCode: 1, line: decision.message };
  if (decision.kind === 'install') return { run: false, exitCode: 1, line: `${decision.message}: the install was not run` };
  if (decision.nodeWebgpuMissing === undefined) return { run: true, line: decision.message, env: { CHROME_PATH: decision.browser } };
  if (underCi(env)) return { run: false, exitCode: 1, line: `${decision.message} (CI: a skipped WebGPU test is a failure, so no test was run)` };
  return {
    run: true,
    line: `${decision.message}; the WebGPU-in-Node tests will be SKIPPED`,
    env: { CHROME_PATH: decision.browser, [NODE_WEBGPU_MISSING_VAR]: decision.nodeWebgpuMissing },
    afterwards: `test set-up: the WebGPU-in-Node tests were SKIPPED (they fail under CI): ${decision.nodeWebgpuMissing}`,
  };
}

/** The real machine, as the set-up sees it. */
export function machineView(env: Readonly<Record<string, string | undefined>> = process.env): MachineView {
  return {
    env,
    platform: process.platform,
    uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
    osRelease: readOrUndefined('/etc/os-release'),
    isExecutable(file) {
      try {
        accessSync(file, constants.X_OK);
        return statSync(file).isFile();
      } catch {
        return false;
      }
    },
    exists: (file) => existsSync(file),
    realpath(file) {
      try {
        return realpathSync(file);
      } catch {
        return file;
      }
    },
    list(dir) {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
