// The files of a reproduce grid (results.json, results.csv, results.md, machine.md, SVG charts
// with their Vega-Lite specs) and `hnca report`, which merges the folders of `--shard I/N`
// slices into the same files as one unsharded run. results.csv and results.md depend only on
// the runs' numbers and the grid (never on timing or on how the grid was split); where and how
// long it ran goes to machine.md and results.json.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EngineConfig } from '../engine/types.ts';
import type { RunResult } from '../engine/records.ts';
import { parseFlags, readString, UsageError, type FlagSpec } from './flags.ts';
import type { FigureName, Shard } from './options.ts';
import { FIGURES } from './options.ts';
import { checkOutDir, setAsideEarlierResults, toJson, writeFilesAtomic, writeResultsOrKeep } from './output.ts';
import { depthColumn, gridCharts, gridCsv, gridMarkdown, type GridCell } from './report.ts';
import type { Io } from './session.ts';
import { RESULTS_VERSION } from './trainCommand.ts';

/** One cell of the whole grid as results.json lists it under `plan`: its depth, N, estimators and seeds. */
export interface PlanCell {
  depth: number;
  categories?: number;
  estimators: string[];
  seeds: number[];
}

/** The plan of a grid: every cell with every seed, whether or not this run trains them all. */
export function gridPlan(configs: readonly EngineConfig[]): PlanCell[] {
  return configs.map((c) => ({
    depth: c.task === 'bandit' ? c.hidden : c.task === 'vae' ? c.layers : c.convLayers,
    ...(c.task === 'bandit' && c.units === 'categorical' ? { categories: c.categories } : {}),
    estimators: [...c.estimators],
    seeds: [...c.seeds],
  }));
}

/** A cell as results.json records it (see reproduceMain), read back. */
interface RecordedCell extends GridCell {
  config: Record<string, unknown>;
  engine: { selection?: string; description?: string };
  seconds: number;
}

/** What `hnca report` needs of a results.json. */
interface GridDocument {
  figure: FigureName;
  plan: PlanCell[];
  shard?: Shard;
  cells: RecordedCell[];
  dataset: { train: number; test: number };
  interrupted?: string;
  machine: { cpus?: number; cpuModel?: string };
  gridSeconds: number;
}

/** What results.md says of a grid's schedule besides its tables: from the first cell's recorded config and the whole grid's seed count. */
export interface ScheduleFacts {
  epochs: number;
  /** seeds per cell in the whole grid */
  seeds: number;
  /** the first cell's recorded config (recordedConfig: the engine config and the session's settings) */
  config: Readonly<Record<string, unknown>>;
}

/** The notes of results.md that depend only on the grid and the data (no timing, no engine). */
export function gridNotes(figure: FigureName, schedule: ScheduleFacts, dataset: { train: number; test: number }, interrupted: string | undefined, shard: Shard | undefined): string[] {
  const notes: string[] = [];
  if (dataset.train < 60000 || dataset.test < 10000) notes.push(`Subset: ${dataset.train} training and ${dataset.test} test images.`);
  const { epochs, config: c } = schedule;
  if (figure === 'appendix-e') {
    const convLayers = Number(c.convLayers);
    notes.push(
      `Schedule: ${epochs} epoch${epochs === 1 ? '' : 's'} of ${dataset.train} training images (${Math.floor(dataset.train / Number(c.batch))} updates each), ${dataset.test} test images, ${schedule.seeds} seeds; ${convLayers} convolution${convLayers > 1 ? 's' : ''} of ${String(c.channels)} channels, ${String(c.width)} Bernoulli units, batch ${String(c.batch)}, ${String(c.optimizer)} lr ${String(c.lr)}. The paper (public code): 100 epochs of all 60000 images, 2 convolutions of 16 channels, 200 units, Adam 1e-4, batch 50 — reduced here.`,
    );
  }
  if (figure === 'fig1' || figure === 'fig3') {
    // what differs from the paper's setting (docs/math.md §2, §3: 200 units, batch 50, Adam 1e-4), beside the paper's columns
    const paper: [string, unknown, unknown][] = [
      ['units per layer', c.width, 200],
      ['batch', c.batch, 50],
      ['optimizer', c.optimizer, 'adam'],
      ['learning rate', c.lr, 1e-4],
      ...(figure === 'fig1' ? ([['hidden values', c.hiddenValues, 'pm1']] as [string, unknown, unknown][]) : []),
    ];
    const differs = paper.filter(([, ours, theirs]) => ours !== undefined && ours !== theirs).map(([name, ours, theirs]) => `${name} ${String(ours)} (paper: ${String(theirs)})`);
    if (differs.length > 0) notes.push(`Settings that differ from the paper's: ${differs.join(', ')}.`);
  }
  if (shard) notes.push(`Slice ${shard.index} of ${shard.count} of the grid (--shard ${shard.index}/${shard.count}): only its (cell, seed) pairs; \`hnca report\` merges the slices.`);
  if (interrupted) notes.push(`Interrupted by ${interrupted}: the last cell holds only its finished epochs, and the cells after it did not run.`);
  return notes;
}

/** The grid's output files by name, from its cells (in grid order), notes and machine lines. */
export function gridFiles(figure: FigureName, cells: readonly GridCell[], epochs: number, notes: readonly string[], machineLines: readonly string[], document: unknown): Record<string, string> {
  return {
    'results.json': toJson(document),
    'results.csv': gridCsv(figure, cells),
    'results.md': gridMarkdown(figure, cells, epochs, notes),
    'machine.md': `# Where and how long this grid ran\n\n${machineLines.map((line) => `- ${line}`).join('\n')}\n`,
    ...gridCharts(figure, cells),
  };
}

const REPORT_FLAGS: FlagSpec[] = [{ name: 'out', value: 'DIR', defaultText: 'results/FIGURE-merged', help: 'output folder of the merged results' }];

export const REPORT_HELP = `Usage: hnca report DIR... [--out DIR]

Merges the folders that \`hnca reproduce FIGURE --shard I/N\` wrote (one per slice, on one
machine or many) into the files of one unsharded run: results.json, results.csv, results.md,
machine.md, SVG charts and their Vega-Lite specs. results.csv and results.md are byte for byte
those of the same grid run unsharded. Every slice must come from the same command (apart from
--shard, --out, --engine and --threads), and every (cell, seed) of the grid must be present once.

  --out DIR   ${REPORT_FLAGS[0].help} (default: ${REPORT_FLAGS[0].defaultText})
`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads and checks one slice's results.json.
 * @throws UsageError naming the file and what is wrong with it
 */
function readGridDocument(dir: string): GridDocument {
  const file = path.join(dir, 'results.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`hnca report: ${dir} is not a folder`);
  if (!existsSync(file)) throw new UsageError(`hnca report: ${dir} holds no results.json (is it the --out folder of hnca reproduce?)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`hnca report: ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const bad = (what: string): UsageError => new UsageError(`hnca report: ${file}: ${what}`);
  if (!isRecord(parsed) || parsed.tool !== 'hnca') throw bad('not the results of hnca reproduce');
  if (parsed.resultsVersion !== RESULTS_VERSION) throw bad(`results version ${String(parsed.resultsVersion)}; this hnca reads ${RESULTS_VERSION}`);
  const figure = parsed.figure;
  if (typeof figure !== 'string' || !(FIGURES as readonly string[]).includes(figure)) throw bad(`unknown figure ${String(figure)}`);
  if (!Array.isArray(parsed.plan)) throw bad('no "plan" (written by an hnca before --shard existed: rerun it)');
  if (!Array.isArray(parsed.grid) || !isRecord(parsed.dataset)) throw bad('no "grid" or "dataset"');
  const depthName = depthColumn(figure as FigureName);
  const cells = parsed.grid.map((cell, i): RecordedCell => {
    if (!isRecord(cell) || typeof cell[depthName] !== 'number' || !Array.isArray(cell.runs) || !isRecord(cell.config)) throw bad(`grid[${i}] is not a cell of ${figure}`);
    for (const [r, run] of cell.runs.entries()) {
      if (!isRecord(run) || typeof run.estimator !== 'string' || typeof run.seed !== 'number' || !Array.isArray(run.epochs)) throw bad(`grid[${i}].runs[${r}] is not a run`);
    }
    return {
      depth: cell[depthName] as number,
      ...(typeof cell.categories === 'number' ? { categories: cell.categories } : {}),
      runs: cell.runs as RunResult[],
      config: cell.config,
      engine: isRecord(cell.engine) ? (cell.engine as RecordedCell['engine']) : {},
      seconds: typeof cell.seconds === 'number' ? cell.seconds : Number.NaN,
    };
  });
  const shard = isRecord(parsed.shard) && typeof parsed.shard.index === 'number' && typeof parsed.shard.count === 'number' ? { index: parsed.shard.index, count: parsed.shard.count } : undefined;
  return {
    figure: figure as FigureName,
    plan: parsed.plan as PlanCell[],
    shard,
    cells,
    dataset: { train: Number(parsed.dataset.train), test: Number(parsed.dataset.test) },
    interrupted: typeof parsed.signal === 'string' ? parsed.signal : undefined,
    machine: isRecord(parsed.machine) ? (parsed.machine as GridDocument['machine']) : {},
    gridSeconds: typeof parsed.gridSeconds === 'number' ? parsed.gridSeconds : Number.NaN,
  };
}

/** A cell's recorded config without what may differ between slices (seeds, engine, threads). */
function comparableConfig(config: Record<string, unknown>): string {
  const { seeds: _seeds, engine: _engine, threads: _threads, ...rest } = config;
  return JSON.stringify(rest);
}

const cellKey = (depth: number, categories: number | undefined): string => `${categories ?? ''}/${depth}`;

/**
 * The merged grid of several slices: the plan's cells in order, each with its runs in the order
 * an unsharded engine lists them (for each seed, for each estimator: expandRuns).
 * @throws UsageError when the slices are of different grids or commands, a (cell, seed) is
 * missing or given twice
 */
export function mergeSlices(documents: readonly { dir: string; document: GridDocument }[]): { figure: FigureName; cells: RecordedCell[] } {
  const [first] = documents;
  const planText = JSON.stringify(first.document.plan);
  const configs = new Map<string, string>();
  const found = new Map<string, { run: RunResult; dir: string }>();
  const shards = new Map<number, string>();
  for (const { dir, document } of documents) {
    if (document.figure !== first.document.figure) throw new UsageError(`hnca report: ${dir} holds ${document.figure}, ${first.dir} ${first.document.figure}: merge slices of one grid`);
    if (JSON.stringify(document.plan) !== planText) throw new UsageError(`hnca report: ${dir} and ${first.dir} are slices of different grids (their depths, estimators or seeds differ)`);
    if (document.shard) {
      if (first.document.shard && document.shard.count !== first.document.shard.count) throw new UsageError(`hnca report: ${dir} is slice ${document.shard.index}/${document.shard.count}, ${first.dir} one of ${first.document.shard.count}: merge slices of one split`);
      const twice = shards.get(document.shard.index);
      if (twice !== undefined) throw new UsageError(`hnca report: ${dir} and ${twice} are both slice ${document.shard.index}/${document.shard.count}`);
      shards.set(document.shard.index, dir);
    }
    for (const cell of document.cells) {
      const key = cellKey(cell.depth, cell.categories);
      const config = comparableConfig(cell.config);
      const seen = configs.get(key);
      if (seen !== undefined && seen !== config) throw new UsageError(`hnca report: ${dir} was run with other settings than the slices before it (cell ${key}): merge slices of one command`);
      configs.set(key, config);
      for (const run of cell.runs) {
        const runKey = `${key}|${run.seed}|${run.estimator}`;
        const other = found.get(runKey);
        if (other) throw new UsageError(`hnca report: ${run.estimator} seed ${run.seed} (cell ${key}) is in both ${other.dir} and ${dir}`);
        found.set(runKey, { run, dir });
      }
    }
  }
  const depthName = depthColumn(first.document.figure);
  const cells = first.document.plan.map((plan): RecordedCell => {
    const key = cellKey(plan.depth, plan.categories);
    const source = documents.flatMap(({ document }) => document.cells).find((c) => cellKey(c.depth, c.categories) === key);
    // the order of an unsharded engine's runs: for each seed, for each estimator (types.ts expandRuns)
    const order = plan.seeds.flatMap((seed) => plan.estimators.map((estimator) => ({ seed, estimator })));
    const runs = order.map(({ seed, estimator }) => {
      const hit = found.get(`${key}|${seed}|${estimator}`);
      if (!hit) {
        const where = plan.categories === undefined ? `${depthName} ${plan.depth}` : `N ${plan.categories} ${depthName} ${plan.depth}`;
        throw new UsageError(`hnca report: ${where}, ${estimator} seed ${seed} is in none of the folders given: give every slice's folder`);
      }
      return hit.run;
    });
    return { depth: plan.depth, ...(plan.categories === undefined ? {} : { categories: plan.categories }), runs, config: source?.config ?? {}, engine: source?.engine ?? {}, seconds: Number.NaN };
  });
  return { figure: first.document.figure, cells };
}

/** `hnca report DIR... [--out DIR]`: merges slices of a reproduce grid (see REPORT_HELP). */
export function reportMain(argv: readonly string[], io: Io): number {
  const flags = parseFlags(argv, REPORT_FLAGS, 'hnca report');
  if (flags.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  const dirs = flags.positionals;
  if (dirs.length === 0) throw new UsageError('hnca report: give the folders to merge, e.g. hnca report results/fig1-shard-*-of-4 --out results/fig1');
  const documents = dirs.map((dir) => ({ dir, document: readGridDocument(dir) }));
  const { figure, cells } = mergeSlices(documents);
  const out = readString(flags, 'out') ?? `results/${figure}-merged`;
  if (dirs.some((dir) => path.resolve(dir) === path.resolve(out))) throw new UsageError(`--out: ${out} is one of the folders being merged; give another folder`);
  checkOutDir(out);
  const moved = setAsideEarlierResults(out);
  if (moved) io.stdout.write(`${moved}\n`);
  const epochs = Number(cells[0]?.config.epochs ?? 0);
  const dataset = documents[0].document.dataset;
  const interrupted = documents.map((d) => d.document.interrupted).find((s) => s !== undefined);
  const schedule = { epochs, seeds: documents[0].document.plan[0]?.seeds.length ?? 0, config: cells[0]?.config ?? {} };
  const notes = gridNotes(figure, schedule, dataset, interrupted, undefined);
  const machineLines = documents.map(({ dir, document }) => {
    const slice = document.shard ? `slice ${document.shard.index}/${document.shard.count}` : 'whole grid';
    const engines = [...new Set(document.cells.map((c) => c.engine.selection ?? c.engine.description ?? '?'))].join('; ');
    return `${slice} (${dir}): ${engines}; ${document.machine.cpus ?? '?'} CPUs (${document.machine.cpuModel ?? '?'}); ${Number.isFinite(document.gridSeconds) ? `${document.gridSeconds.toFixed(1)} s` : 'time not recorded'}`;
  });
  const depthName = depthColumn(figure);
  const document = {
    tool: 'hnca',
    resultsVersion: RESULTS_VERSION,
    command: ['hnca', 'report', ...argv].join(' '),
    figure,
    createdAt: new Date().toISOString(),
    mergedFrom: documents.map(({ dir, document: d }) => ({ dir, ...(d.shard ? { shard: d.shard } : {}) })),
    dataset,
    ...(interrupted ? { interrupted: true, signal: interrupted } : {}),
    plan: documents[0].document.plan,
    grid: cells.map((c) => ({ ...(c.categories === undefined ? {} : { categories: c.categories }), [depthName]: c.depth, config: c.config, runs: c.runs })),
  };
  const outputs = gridFiles(figure, cells, epochs, notes, machineLines, document);
  const files = writeResultsOrKeep(outputs, () => writeFilesAtomic(out, outputs));
  io.stdout.write(`merged ${documents.length} folder${documents.length > 1 ? 's' : ''} (${cells.reduce((n, c) => n + c.runs.length, 0)} runs) into ${out}: ${files.map((f) => path.basename(f)).join(', ')}\n`);
  return 0;
}
