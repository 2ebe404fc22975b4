// `hnca reproduce fig1|fig3|categorical`: the paper's grid (depth × estimators × seeds), or the
// categorical-unit grid (N × depth × estimators × seeds, docs/math.md §7.1), then JSON, CSV, SVG
// charts and a markdown table, all written into --out at the end.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { estimatorLabel } from '../engine/estimators.ts';
import { parseFlags } from './flags.ts';
import { REPRODUCE_HELP } from './help.ts';
import { REPRODUCE_APPENDIX_E_FLAGS, REPRODUCE_CATEGORICAL_FLAGS, REPRODUCE_FIG1_FLAGS, REPRODUCE_FIG3_FLAGS, reproduceCommand, type FigureName } from './options.ts';
import { interruptExitCode } from './interrupt.ts';
import { appendEpochLines, checkOutDir, epochLines, fileSystemMessage, isFileSystemError, machineInfo, setAsideEarlierResults, withPath, writeFilesAtomic, writeResultsOrKeep } from './output.ts';
import { gridFiles, gridNotes, gridPlan } from './gridReport.ts';
import { acquireRunLock, folderLockPath } from './runLock.ts';
import { depthColumn, stoppedSummary, type Figure, type GridCell } from './report.ts';
import { openEngine, openSharedGpu } from './openEngine.ts';
import { loadData, recordedConfig, recordedRuns, runSession, splitSeconds, type Io, type SessionResult } from './session.ts';
import { RESULTS_VERSION } from './trainCommand.ts';

const SPECS: Record<FigureName, typeof REPRODUCE_FIG1_FLAGS> = {
  fig1: REPRODUCE_FIG1_FLAGS,
  fig3: REPRODUCE_FIG3_FLAGS,
  categorical: REPRODUCE_CATEGORICAL_FLAGS,
  'appendix-e': REPRODUCE_APPENDIX_E_FLAGS,
};

export async function reproduceMain(figure: Figure, argv: readonly string[], io: Io): Promise<number> {
  const specs = SPECS[figure];
  const flags = parseFlags(argv, specs, `hnca reproduce ${figure}`);
  if (flags.help) {
    io.stdout.write(REPRODUCE_HELP);
    return 0;
  }
  const command = reproduceCommand(figure, flags);
  if (command.shard) io.stdout.write(`slice ${command.shard.index} of ${command.shard.count} of the grid: ${command.configs.reduce((n, c) => n + c.seeds.length * c.estimators.length, 0)} of its ${command.grid.reduce((n, c) => n + c.seeds.length * c.estimators.length, 0)} runs, into ${command.outDir}\n`);
  if (command.defaultOut) mkdirSync(path.dirname(command.outDir), { recursive: true });
  checkOutDir(command.outDir);
  const lock = acquireRunLock(folderLockPath(command.outDir), `--out ${command.outDir}`, ['hnca', 'reproduce', figure, ...argv].join(' '));
  try {
    if (lock.tookOver) io.stdout.write(`${lock.tookOver}\n`);
    return await reproduceLocked(figure, argv, io, command);
  } finally {
    lock.release();
  }
}

/** The part of `hnca reproduce` that runs while the output folder's lock is held. */
async function reproduceLocked(figure: Figure, argv: readonly string[], io: Io, command: ReturnType<typeof reproduceCommand>): Promise<number> {
  const { data, info } = loadData(command.session);
  const createdAt = new Date().toISOString();
  const depthName = depthColumn(figure);
  const cells: (GridCell & { config: Record<string, unknown>; engine: SessionResult['engine']; seconds: number })[] = [];
  const moved = setAsideEarlierResults(command.outDir);
  if (moved) io.stdout.write(`${moved}\n`);
  mkdirSync(command.outDir, { recursive: true });
  const epochLog = path.join(command.outDir, 'epochs.jsonl');
  try {
    writeFileSync(epochLog, '');
  } catch (error) {
    throw withPath(error, epochLog);
  }
  io.stdout.write(`epoch records are appended to ${epochLog} as they finish\n`);
  let interrupted: SessionResult['interrupted'];
  // the whole log in memory too: when the disk refuses a line, training stops and the log is
  // kept with the results (written with them, or into the temporary folder)
  let logText = '';
  let logFailure: string | undefined;
  const runCell = async (config: (typeof command.configs)[number], cellIo: Io): Promise<(typeof cells)[number]> => {
    const depth = config.task === 'bandit' ? config.hidden : config.task === 'vae' ? config.layers : config.convLayers;
    const categories = config.task === 'bandit' && config.units === 'categorical' ? config.categories : undefined;
    const where: Record<string, number> = categories === undefined ? {} : { categories };
    const result = await runSession(config, command.session, data, cellIo, {
      label: `${categories === undefined ? '' : `N ${categories} `}${depthName} ${depth}`,
      onEpoch: (_epoch, records, engine) => {
        const cell = { ...where, [depthName]: depth };
        logText += epochLines(records, engine.runs, cell);
        if (logFailure !== undefined) return;
        try {
          appendEpochLines(epochLog, records, engine.runs, cell);
        } catch (error) {
          if (!isFileSystemError(error)) throw error;
          logFailure = fileSystemMessage(error, 'write');
        }
      },
      shouldStop: () => logFailure !== undefined,
    });
    interrupted ??= result.interrupted;
    return { depth, ...where, config: recordedConfig(config, command.session), engine: result.engine, seconds: result.seconds, runs: result.runs };
  };
  const started = performance.now();
  if (command.concurrent) {
    // every depth at once on one device (its queue interleaves their submissions); each engine
    // draws from its own counter-based streams, so the results are those of one depth after another
    const shared = await openSharedGpu();
    const open = io.openEngine ?? openEngine;
    const sharedIo: Io = { ...io, openEngine: (choice, input, threads) => open(choice, input, threads, shared) };
    io.stdout.write(`training ${command.configs.length} depths at once on one WebGPU device: ${shared.description}\n`);
    try {
      // every session settles before the device goes: one that fails does not pull it from under the others
      const settled = await Promise.allSettled(command.configs.map((config) => runCell(config, sharedIo)));
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      cells.push(...settled.map((s) => (s as PromiseFulfilledResult<(typeof cells)[number]>).value));
    } finally {
      shared.device.destroy();
    }
  } else {
    for (const config of command.configs) {
      cells.push(await runCell(config, io));
      if (interrupted || logFailure !== undefined) break;
    }
  }
  const gridSeconds = (performance.now() - started) / 1000;
  const first = command.grid[0];
  const schedule = { epochs: command.session.epochs, seeds: first.seeds.length, config: recordedConfig(first, command.session) };
  const notes = gridNotes(figure, schedule, { train: data.train.count, test: data.test.count }, interrupted, command.shard);
  if (logFailure !== undefined) notes.push(`Stopped early: ${logFailure}. The last cell holds only its finished epochs, and the cells after it did not run.`);
  const machineLines = [
    `Engine: ${cells[0]?.engine.selection ?? 'none (no cell ran)'}; ${machineInfo().cpus} CPUs (${machineInfo().cpuModel}), Node ${process.version}.`,
    `Wall-clock time: ${cells.map((c) => `${c.categories === undefined ? '' : `N ${c.categories} `}${depthName} ${c.depth}: ${c.seconds.toFixed(1)} s`).join(', ')}${command.concurrent ? ` (all depths at once on one device: ${gridSeconds.toFixed(1)} s for the grid)` : ''}.`,
  ];
  const document = {
    tool: 'hnca',
    resultsVersion: RESULTS_VERSION,
    command: ['hnca', 'reproduce', figure, ...argv].join(' '),
    figure,
    createdAt,
    machine: machineInfo(),
    dataset: info,
    ...(interrupted ? { interrupted: true, signal: interrupted } : {}),
    ...(logFailure === undefined ? {} : { interrupted: true, stoppedBy: logFailure }),
    ...(command.concurrent ? { concurrent: true } : {}),
    ...(command.shard ? { shard: command.shard } : {}),
    plan: gridPlan(command.grid),
    gridSeconds,
    grid: cells.map((c) => ({ ...(c.categories === undefined ? {} : { categories: c.categories }), [depthName]: c.depth, config: c.config, engine: c.engine, seconds: c.seconds, ...splitSeconds(c.seconds, c.runs), runs: recordedRuns(c.runs) })),
  };
  const outputs: Record<string, string> = {
    ...gridFiles(figure, cells, command.session.epochs, notes, machineLines, document),
    ...(logFailure === undefined ? {} : { 'epochs.jsonl': logText }),
  };
  const files = writeResultsOrKeep(outputs, () => writeFilesAtomic(command.outDir, outputs));
  if (logFailure !== undefined) {
    io.stderr(`hnca: ${logFailure}; training stopped early; the results so far (and the whole epoch log) were written into ${command.outDir} once the disk had room\n`);
    return 1;
  }
  for (const cell of cells) {
    for (const estimator of new Set(cell.runs.map((r) => r.estimator))) {
      const summary = stoppedSummary(cell.runs.filter((r) => r.estimator === estimator));
      if (summary) io.stdout.write(`${cell.categories === undefined ? '' : `N ${cell.categories} `}${depthName} ${cell.depth} ${estimatorLabel(estimator)}: ${summary}; left out of the means\n`);
    }
  }
  io.stdout.write(`grid wall-clock time: ${gridSeconds.toFixed(1)} s${command.concurrent ? ' (all depths at once on one device)' : ''}\n`);
  io.stdout.write(`wrote ${files.length} files into ${command.outDir}: ${files.map((f) => f.split('/').pop()).join(', ')}\n`);
  if (interrupted) {
    io.stdout.write(`interrupted (${interrupted}): the results hold the finished epochs (marked "interrupted": true)\n`);
    return interruptExitCode(interrupted);
  }
  return 0;
}
