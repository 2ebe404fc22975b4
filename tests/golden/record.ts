// Writes tests/golden/fixtures/<case>.json from the engines as they are now:
//   node --import tsx tests/golden/record.ts [case-name …]
// Run only when a commit deliberately changes results, and say why in that commit.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import { ADAPTERS_FILE, currentAdapter, GOLDEN_CASES, goldenPart } from './cases.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures');
mkdirSync(fixtures, { recursive: true });
const only = process.argv.slice(2);
const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-golden-'));
const adaptersPath = path.join(fixtures, ADAPTERS_FILE);
const adapters = JSON.parse(readFileSync(adaptersPath, 'utf8')) as Record<string, string>;
const quiet = { stdout: { write: () => undefined, isTTY: false }, stderr: (t: string) => void process.stderr.write(t) };
for (const c of GOLDEN_CASES) {
  if (only.length > 0 && !only.includes(c.name)) continue;
  const out = path.join(tmp, `${c.name}.json`);
  const status = await main(['train', ...c.argv, '--out', out], quiet);
  if (status !== 0) throw new Error(`${c.name}: hnca train exited ${status}`);
  const golden = goldenPart(JSON.parse(readFileSync(out, 'utf8')));
  writeFileSync(path.join(fixtures, `${c.name}.json`), `${JSON.stringify(golden, null, 1)}\n`);
  if (c.gpu) adapters[c.name] = (await currentAdapter()) ?? 'none';
  console.log(`recorded ${c.name}`);
}
writeFileSync(adaptersPath, `${JSON.stringify(adapters, null, 1)}\n`);
rmSync(tmp, { recursive: true, force: true });
