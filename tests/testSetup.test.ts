// The test set-up's decisions (issue 11) on simulated machines: browser found / installable /
// not installable, where the SwiftShader driver is, and what CI does with a skip.
import { describe, expect, it } from 'vitest';
import { decideSetup, locateChromium, machineView, nodeVulkan, testRunPlan, underCi, type MachineView } from '../src/node/chromiumSetup.ts';

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n';
const DEBIAN_CHROMIUM = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/lib/chromium/vk_swiftshader_icd.json'];

interface Simulated {
  files?: string[];
  /** executables among the files (default: every file under a bin directory, and .../chromium, .../chrome) */
  executables?: string[];
  links?: Record<string, string>;
  env?: Record<string, string>;
  uid?: number;
  osRelease?: string;
  platform?: NodeJS.Platform;
}

/** A machine with exactly these files (directories implied by them). */
function machine(s: Simulated): MachineView {
  const files = new Set(s.files ?? []);
  const executables = new Set(s.executables ?? [...files].filter((f) => /\/s?bin\/|\/chrom(e|ium)$/.test(f)));
  const links = s.links ?? {};
  const resolve = (f: string): string => links[f] ?? f;
  return {
    env: s.env ?? {},
    platform: s.platform ?? 'linux',
    uid: s.uid ?? 0,
    osRelease: s.osRelease ?? DEBIAN,
    isExecutable: (f) => executables.has(resolve(f)) && files.has(resolve(f)),
    exists: (f) => files.has(resolve(f)) || [...files].some((x) => x.startsWith(`${f}/`)),
    realpath: resolve,
    list: (dir) => [...files].filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0]),
  };
}
const APT = '/usr/bin/apt-get';

describe('test set-up: which browser, and which Vulkan driver for WebGPU in Node', () => {
  it('Debian\'s chromium is found, with its SwiftShader driver in /usr/lib/chromium', () => {
    const d = decideSetup(machine({ files: [...DEBIAN_CHROMIUM, APT] }));
    expect(d).toMatchObject({ kind: 'found', browser: '/usr/bin/chromium', vulkan: { kind: 'swiftshader', icd: '/usr/lib/chromium/vk_swiftshader_icd.json' } });
    expect(d.kind === 'found' && 'nodeWebgpuMissing' in d).toBe(false);
    expect(d.message).toBe('test set-up: Chromium /usr/bin/chromium; WebGPU in Node on SwiftShader /usr/lib/chromium/vk_swiftshader_icd.json');
  });

  it('CHROME_PATH comes before the system locations, and its SwiftShader driver is the one next to its real binary', () => {
    const m = machine({
      files: [...DEBIAN_CHROMIUM, '/opt/google/chrome/chrome', '/opt/google/chrome/vk_swiftshader_icd.json', '/home/u/bin/chrome'],
      links: { '/home/u/bin/chrome': '/opt/google/chrome/chrome' },
      env: { CHROME_PATH: '/home/u/bin/chrome' },
    });
    expect(locateChromium(m)).toEqual({ path: '/home/u/bin/chrome', from: 'CHROME_PATH' });
    expect(decideSetup(m)).toMatchObject({ kind: 'found', browser: '/home/u/bin/chrome', vulkan: { kind: 'swiftshader', icd: '/opt/google/chrome/vk_swiftshader_icd.json' } });
  });

  it('a CHROME_PATH that is not an executable is refused, naming it (no fallback to another browser)', () => {
    const d = decideSetup(machine({ files: [...DEBIAN_CHROMIUM, '/opt/chrome/README'], env: { CHROME_PATH: '/opt/chrome/README' } }));
    expect(d.kind).toBe('refuse');
    expect(d.message).toMatch(/^test set-up: CHROME_PATH=\/opt\/chrome\/README is not an executable file/);
  });

  it('without Debian\'s package, the next system location is used (chromium-browser with its library directory)', () => {
    const d = decideSetup(machine({ files: ['/usr/bin/chromium-browser', '/usr/lib/chromium-browser/vk_swiftshader_icd.json'] }));
    expect(d).toMatchObject({ kind: 'found', browser: '/usr/bin/chromium-browser', vulkan: { kind: 'swiftshader', icd: '/usr/lib/chromium-browser/vk_swiftshader_icd.json' } });
  });

  it('a GPU\'s Vulkan driver comes before SwiftShader; lavapipe and SwiftShader manifests do not count as one; a chosen driver comes first', () => {
    const gpu = machine({ files: [...DEBIAN_CHROMIUM, '/usr/share/vulkan/icd.d/nvidia_icd.json'] });
    expect(nodeVulkan(gpu, '/usr/bin/chromium')).toEqual({ kind: 'hardware', dir: '/usr/share/vulkan/icd.d' });
    const software = machine({ files: [...DEBIAN_CHROMIUM, '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'] });
    expect(nodeVulkan(software, '/usr/bin/chromium').kind).toBe('swiftshader');
    const chosen = machine({ files: [...DEBIAN_CHROMIUM, '/usr/share/vulkan/icd.d/nvidia_icd.json'], env: { VK_ICD_FILENAMES: '/x.json' } });
    expect(nodeVulkan(chosen, '/usr/bin/chromium')).toEqual({ kind: 'preset', variable: 'VK_ICD_FILENAMES' });
  });

  it('a browser without a SwiftShader driver on a machine without a GPU: found, with the one-line reason WebGPU in Node cannot run', () => {
    const d = decideSetup(machine({ files: ['/opt/chromium/chrome'], env: { CHROME_PATH: '/opt/chromium/chrome' } }));
    expect(d.kind).toBe('found');
    if (d.kind !== 'found') return;
    expect(d.vulkan).toEqual({ kind: 'none' });
    expect(d.nodeWebgpuMissing).toMatch(/^WebGPU in Node cannot run: no GPU Vulkan driver and no SwiftShader driver \(vk_swiftshader_icd\.json\) with \/opt\/chromium\/chrome; install Debian's chromium package/);
    expect(d.message).not.toContain('\n');
  });
});

describe('test set-up: no browser', () => {
  it('Debian or Ubuntu (or a derivative), as root, with apt-get: install the chromium package', () => {
    for (const osRelease of [DEBIAN, UBUNTU, MINT]) {
      const d = decideSetup(machine({ files: [APT], osRelease }));
      expect(d).toMatchObject({ kind: 'install', command: ['apt-get', 'install', '-y', 'chromium'] });
      expect(d.message).toBe("test set-up: no Chromium found; installing Debian's chromium package (apt-get install -y chromium) for the browser tests and WebGPU in Node");
    }
  });

  it('not root: refuse, saying to install it with sudo or to set CHROME_PATH', () => {
    const d = decideSetup(machine({ files: [APT], uid: 1000 }));
    expect(d.kind).toBe('refuse');
    expect(d.message).toMatch(/: run sudo apt-get install -y chromium \(npm test run as root installs it itself\), or point the tests at an installed Chromium or Chrome: CHROME_PATH=\/path\/to\/chrome npm test$/);
  });

  it('no apt-get, another distribution, or another system: refuse, saying to install a Chromium and how to point at it', () => {
    for (const m of [machine({ files: [] }), machine({ files: [APT], osRelease: FEDORA }), machine({ files: [], osRelease: undefined, platform: 'darwin' })]) {
      const d = decideSetup(m);
      expect(d.kind).toBe('refuse');
      expect(d.message).toMatch(/^test set-up: no Chromium found \(CHROME_PATH unset; looked in \/usr\/bin\/chromium, .*\): install Chromium or Google Chrome, and where it is elsewhere point the tests at it: CHROME_PATH=\/path\/to\/chrome npm test$/);
    }
  });

  it('after an install that left no browser: refuse rather than install again', () => {
    const d = decideSetup(machine({ files: [APT] }), true);
    expect(d.kind).toBe('refuse');
    expect(d.message).toMatch(/even after apt-get install -y chromium/);
  });

  it('after the install, Debian\'s chromium is found', () => {
    expect(decideSetup(machine({ files: [APT, ...DEBIAN_CHROMIUM] }), true).kind).toBe('found');
  });
});

describe('test set-up: what npm test then does', () => {
  const found = decideSetup(machine({ files: DEBIAN_CHROMIUM }));
  const noDriver = decideSetup(machine({ files: ['/opt/c/chrome'], env: { CHROME_PATH: '/opt/c/chrome' } }));

  it('runs the tests with the browser found in CHROME_PATH', () => {
    expect(testRunPlan(found, {})).toEqual({ run: true, line: found.message, env: { CHROME_PATH: '/usr/bin/chromium' } });
    expect(testRunPlan(found, { CI: 'true' }).run).toBe(true);
  });

  it('a refusal stops at once with exit code 1 and its one line', () => {
    const refuse = decideSetup(machine({ files: [], uid: 1000 }));
    expect(testRunPlan(refuse, {})).toEqual({ run: false, exitCode: 1, line: refuse.message });
  });

  it('no driver for WebGPU in Node: outside CI the tests run and those tests are skipped, said before and after; under CI it stops', () => {
    const plan = testRunPlan(noDriver, {});
    expect(plan.run).toBe(true);
    if (!plan.run) return;
    expect(plan.env.HNCA_NODE_WEBGPU_MISSING).toMatch(/^WebGPU in Node cannot run/);
    expect(plan.line).toMatch(/SKIPPED$/);
    expect(plan.afterwards).toMatch(/^test set-up: the WebGPU-in-Node tests were SKIPPED \(they fail under CI\): WebGPU in Node cannot run/);
    const ci = testRunPlan(noDriver, { CI: 'true' });
    expect(ci).toMatchObject({ run: false, exitCode: 1 });
    expect(ci.line).toMatch(/CI: a skipped WebGPU test is a failure/);
  });

  it('CI is any value of CI but "", "0" and "false"', () => {
    expect([underCi({}), underCi({ CI: '' }), underCi({ CI: '0' }), underCi({ CI: 'false' }), underCi({ CI: 'FALSE' })]).toEqual([false, false, false, false, false]);
    expect([underCi({ CI: 'true' }), underCi({ CI: '1' }), underCi({ CI: 'yes' })]).toEqual([true, true, true]);
  });
});

describe('test set-up: the real machine view', () => {
  it('reads files, links and directories of this machine (its own package.json and this file)', () => {
    const m = machineView({});
    expect(m.exists(import.meta.filename)).toBe(true);
    expect(m.isExecutable(import.meta.filename)).toBe(false);
    expect(m.isExecutable(process.execPath)).toBe(true);
    expect(m.list(import.meta.dirname)).toContain('testSetup.test.ts');
    expect(m.list(import.meta.filename)).toEqual([]);
    expect(m.realpath('/no/such/file')).toBe('/no/such/file');
  });
});
