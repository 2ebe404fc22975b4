// The README of a Figure 3 reproduction (docs/reproductions/fig3-*/README.md) from the output
// folders of `hnca reproduce fig3`, one per depth (bench/gpu/reproduce-fig3-on-gpu.sh runs one
// process per depth): the schedule, the machine and the wall-clock time, then the table and the
// orderings against the paper's sentences exactly as `reproduce` writes them (src/cli/report.ts
// gridMarkdown, fig3OrderingLines) for all depths together; each depth's markdown, CSV and SVG
// charts are copied beside it.
// Usage: node --import tsx bench/gpu/fig3Report.ts OUT_DIR RESULTS_DIR...   (bundled: fig3-report.mjs)
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gridMarkdown, type GridCell } from '../../src/cli/report.ts';
import type { RunResult } from '../../src/engine/records.ts';

interface Fig3Document {
  command: string;
  machine: { os: string; cpus: number; cpuModel: string; node: string };
  dataset?: unknown;
  interrupted?: boolean;
  signal?: string;
  grid: { layers: number; config: Record<string, unknown>; engine: { description: string; selection?: string }; seconds: number; runs: RunResult[] }[];
}

/**
 * Reads one `reproduce fig3` results.json.
 * @throws Error naming the file when it is missing or is not a fig3 results document
 */
function readDocument(dir: string): Fig3Document {
  const file = path.join(dir, 'results.json');
  if (!existsSync(file)) throw new Error(`${file}: missing (did that depth's run start?)`);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<Fig3Document> & { figure?: string };
  if (doc.figure !== 'fig3' || !Array.isArray(doc.grid)) throw new Error(`${file}: not the results of hnca reproduce fig3`);
  return doc as Fig3Document;
}

/** README.md (and the per-depth files) of the folders `dirs` into `outDir`; returns the README text. */
export function writeFig3Report(outDir: string, dirs: readonly string[]): string {
  const docs = dirs.map((d) => ({ dir: d, doc: readDocument(d) }));
  const cells: (GridCell & { seconds: number; engine: string; command: string; config: Record<string, unknown> })[] = [];
  for (const { doc } of docs) {
    for (const g of doc.grid) cells.push({ depth: g.layers, runs: g.runs, seconds: g.seconds, engine: g.engine.selection ?? g.engine.description, command: doc.command, config: g.config });
  }
  cells.sort((a, b) => a.depth - b.depth);
  if (cells.length === 0) throw new Error('no finished depth in the given folders');
  const epochs = Math.max(...cells.flatMap((c) => c.runs.map((r) => r.epochs.length)));
  const seeds = Math.max(...cells.map((c) => new Set(c.runs.map((r) => r.seed)).size));
  const first = cells[0].config;
  const machine = docs[0].doc.machine;
  const interrupted = docs.filter((d) => d.doc.interrupted).map((d) => `${path.basename(d.dir)} (${d.doc.signal ?? 'signal'})`);
  const notes = [
    `Engine: ${cells[0].engine}; ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.os}, Node ${machine.node}.`,
    `Wall-clock time (one process per depth, in parallel): ${cells.map((c) => `${c.depth} layer${c.depth > 1 ? 's' : ''}: ${c.seconds.toFixed(1)} s`).join(', ')}.`,
    ...(interrupted.length ? [`Stopped by the time limit before the last epoch: ${interrupted.join(', ')}; their tables hold the finished epochs.`] : []),
    `Commands: ${[...new Set(cells.map((c) => `\`${c.command}\``))].join('; ')}.`,
  ];
  const table = gridMarkdown('fig3', cells, epochs, notes).replace(/^# .*\n/, '');
  const readme = [
    `# Figure 3 on a reduced schedule (${cells[0].engine})`,
    '',
    `The paper's discrete hierarchical VAE grid — ${cells.map((c) => c.depth).join(', ')} stochastic layers of ${String(first.width)} units × ${[...new Set(cells.flatMap((c) => c.runs.map((r) => r.estimator)))].length} estimators × ${seeds} seed${seeds > 1 ? 's' : ''}, batch ${String(first.batch)}, Adam ${String(first.lr)}, K = ${String(first.testK)} for the test bound — trained ${epochs} epoch${epochs > 1 ? 's' : ''} instead of the paper's 840, so the values are far from the paper's final ones; what can be compared is the ordering of the estimators by depth (below).`,
    '',
    'Recipe: `bash bench/gpu/prepare.sh`, then on the GPU machine `EPOCHS=20 SEEDS=2 bash gpu-bundle/reproduce-fig3-on-gpu.sh` (one `hnca reproduce fig3 --layers L --engine webgpu` process per depth).',
    '',
    table.trimEnd(),
    '',
    `Per depth: \`layers-L.md\` and \`layers-L.csv\` (every run and epoch), \`fig3-LL-train-elbo.svg\` and \`fig3-LL-log-grad-variance.svg\` (mean and 95% band over seeds).`,
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  for (const { dir, doc } of docs) {
    const depth = doc.grid.map((g) => g.layers).join('-');
    for (const [from, to] of [
      ['results.md', `layers-${depth}.md`],
      ['results.csv', `layers-${depth}.csv`],
    ]) {
      if (existsSync(path.join(dir, from))) copyFileSync(path.join(dir, from), path.join(outDir, to));
    }
    for (const f of readdirSync(dir)) if (f.endsWith('.svg')) copyFileSync(path.join(dir, f), path.join(outDir, f));
  }
  writeFileSync(path.join(outDir, 'README.md'), readme);
  return readme;
}

const isMain = process.argv[1] !== undefined && /fig3(Report\.ts|-report\.mjs)$/.test(process.argv[1]);
if (isMain) {
  const [outDir, ...dirs] = process.argv.slice(2);
  if (!outDir || dirs.length === 0) {
    process.stderr.write('usage: fig3-report OUT_DIR RESULTS_DIR...  (the --out folders of hnca reproduce fig3)\n');
    process.exitCode = 2;
  } else {
    try {
      writeFig3Report(outDir, dirs);
      process.stdout.write(`wrote ${path.join(outDir, 'README.md')}\n`);
    } catch (error) {
      process.stderr.write(`fig3-report: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
