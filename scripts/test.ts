// `npm test` (issue 11): set up what the tests need, then run Vitest with the arguments given
// after `npm test --`. Finds a Chromium (CHROME_PATH, then the system locations); where there is
// none and this is a Debian/Ubuntu machine run as root, installs the chromium package (apt's
// output goes to a log file, one line to the user); otherwise stops with one line saying what to
// install. The decisions are in src/node/chromiumSetup.ts (tested there); this file only acts.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APT_INSTALL, decideSetup, machineView, testRunPlan, type SetupDecision } from '../src/node/chromiumSetup.ts';

/** Runs apt-get (install; on failure `apt-get update` and install again) with its output appended to `log`; true when installed. */
function aptInstall(command: readonly string[], log: string): boolean {
  const fd = openSync(log, 'a');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (argv: readonly string[]): boolean => spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', fd, fd] }).status === 0;
    if (run(command)) return true;
    return run(['apt-get', 'update']) && run(command);
  } finally {
    closeSync(fd);
  }
}

function setUp(): SetupDecision {
  const decision = decideSetup(machineView());
  if (decision.kind !== 'install') return decision;
  const log = path.join(tmpdir(), 'hnca-test-setup-apt.log');
  console.log(`${decision.message} (apt's output: ${log})`);
  if (!aptInstall(decision.command, log)) {
    return { kind: 'refuse', message: `test set-up: ${APT_INSTALL.join(' ')} failed (see ${log}): install it by hand, or point the tests at an installed Chromium or Chrome: CHROME_PATH=/path/to/chrome npm test` };
  }
  return decideSetup(machineView(), true);
}

const plan = testRunPlan(setUp(), process.env);
if (!plan.run) {
  console.error(plan.line);
  process.exit(plan.exitCode);
}
console.log(plan.line);
const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ...plan.env } });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (plan.afterwards) console.log(plan.afterwards);
  process.exit(code ?? (signal ? 1 : 0));
});
