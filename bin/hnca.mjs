#!/usr/bin/env node
// Entry point of the `hnca` command. In a clone (src/ is there) it runs the TypeScript sources
// through tsx, a dependency, so an edit takes effect at once and nothing needs building; in the
// installed package (no src/) it runs the compiled lib/cli/main.js with plain Node.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let entry = new URL('../lib/cli/main.js', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
