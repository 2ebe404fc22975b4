// `hnca train`: one configuration, every estimator × seed, results JSON at the end.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../engine/records.ts';
import { isCheckpointable } from '../engine/state.ts';
import { checkpointPath, encodeCheckpoint, readCheckpoint, type TrainCheckpoint } from './checkpoint.ts';
import { parseFlags, readString, UsageError, type ParsedFlags } from './flags.ts';
import { TRAIN_HELP } from './help.ts';
import { TRAIN_FLAGS, trainCommand } from './options.ts';
import { interruptExitCode } from './interrupt.ts';
import { appendEpochLines, checkOutFile, epochLines, epochLogPath, fileSystemMessage, isFileSystemError, KeptFiles, machineInfo, OutputError, toJson, writeAtomic, writeResultsOrKeep } from './output.ts';
import { acquireRunLock, trainLockPath } from './runLock.ts';
import { loadData, recordedConfig, recordedRuns, runSession, splitSeconds, type Io } from './session.ts';

export const RESULTS_VERSION = 1;

/** Flags that may be given with --resume (the others come from the checkpoint). */
const RESUME_OVERRIDES = ['engine', 'threads', 'epochs', 'out'];

/**
 * The flags of this invocation: as given, or with --resume FILE those saved in the checkpoint,
 * overridden by --engine, --threads, --epochs and --out.
 * @throws UsageError when other flags come with --resume
 */
function flagsOf(given: ParsedFlags, argv: readonly string[]): { flags: ParsedFlags; runArgv: string[]; checkpoint?: TrainCheckpoint; checkpointFile?: string } {
  const resume = readString(given, 'resume');
  if (resume === undefined) return { flags: given, runArgv: [...argv] };
  const extra = [...given.values.keys()].filter((name) => name !== 'resume' && !RESUME_OVERRIDES.includes(name));
  if (extra.length > 0) {
    throw new UsageError(`--resume takes the run's settings from the checkpoint; only ${RESUME_OVERRIDES.map((n) => `--${n}`).join(', ')} may come with it (got --${extra[0]})`);
  }
  const checkpoint = readCheckpoint(resume);
  const saved = parseFlags(checkpoint.argv, TRAIN_FLAGS, `hnca train (saved in ${resume})`);
  for (const name of RESUME_OVERRIDES) {
    const value = given.values.get(name);
    if (value !== undefined) saved.values.set(name, value);
  }
  // without --out, the run goes on in the files beside its checkpoint (which an earlier run's
  // may have been moved to: see setAsideEarlierRun), not in the path it was first given
  if (!given.values.has('out') && /\.checkpoint\.json$/i.test(resume)) saved.values.set('out', [resume.replace(/\.checkpoint\.json$/i, '.json')]);
  const runArgv = [...saved.values.entries()].flatMap(([name, values]) => values.flatMap((v) => [`--${name}`, v]));
  return { flags: saved, runArgv, checkpoint, checkpointFile: resume };
}

export async function trainMain(argv: readonly string[], io: Io): Promise<number> {
  const given = parseFlags(argv, TRAIN_FLAGS, 'hnca train');
  if (given.help) {
    io.stdout.write(TRAIN_HELP);
    return 0;
  }
  const { flags, runArgv, checkpoint, checkpointFile } = flagsOf(given, argv);
  const command = trainCommand(flags);
  if (checkpoint && command.session.epochs <= checkpoint.epochsDone) {
    throw new UsageError(`--resume: the checkpoint has all ${checkpoint.epochsDone} epochs already; give --epochs N > ${checkpoint.epochsDone} to train longer`);
  }
  if (command.defaultOut) mkdirSync(path.dirname(command.out), { recursive: true });
  checkOutFile(command.out);
  const lock = acquireRunLock(trainLockPath(command.out), `--out ${command.out}`, ['hnca', 'train', ...argv].join(' '));
  try {
    if (lock.tookOver) io.stdout.write(`${lock.tookOver}\n`);
    return await trainLocked(argv, io, { command, runArgv, checkpoint, checkpointFile });
  } finally {
    lock.release();
  }
}

/** The part of `hnca train` that runs while the output's lock is held. */
async function trainLocked(
  argv: readonly string[],
  io: Io,
  { command, runArgv, checkpoint, checkpointFile }: { command: ReturnType<typeof trainCommand>; runArgv: string[]; checkpoint?: TrainCheckpoint; checkpointFile?: string },
): Promise<number> {
  const { data, info } = loadData(command.session);
  const moved = checkpoint && checkpointFile ? setAsideOtherRun(command.out, checkpoint, checkpointFile) : setAsideEarlierRun(command.out);
  if (moved) io.stdout.write(`${moved}\n`);
  // a resumed run keeps its identity; results, checkpoints and logs of one run share it
  const runId = checkpoint?.runId ?? randomUUID();
  const createdAt = new Date().toISOString();
  const epochLog = epochLogPath(command.out);
  const checkpointFileOut = checkpointPath(command.out);
  // the log is appended after each checkpoint, so a kill between the two leaves it one epoch
  // behind, never ahead; a resumed run rewrites it from its checkpoint's records, so that it
  // holds every epoch exactly once
  const resumedLog = checkpoint ? checkpointLog(checkpoint) : '';
  try {
    writeAtomic(epochLog, resumedLog);
  } catch (error) {
    if (isFileSystemError(error)) throw new UsageError(`--out: ${fileSystemMessage(error, 'write')}`);
    throw error;
  }
  io.stdout.write(`epoch records are appended to ${epochLog} as they finish\n`);
  let checkpointNote = '';
  // the records written into each checkpoint: the resumed ones, then one per finished epoch
  let runsSoFar: RunResult[] = [];
  // what could not be written where asked (a full or read-only disk) goes here, and training stops
  const kept = new KeptFiles();
  let writeFailure: { reason: string; epoch: number; keptCheckpoint: string | undefined } | undefined;
  let lastGoodCheckpoint = checkpoint ? { file: checkpointFile ?? checkpointFileOut, epoch: checkpoint.epochsDone } : undefined;
  const started = performance.now();
  const result = await runSession(command.config, command.session, data, io, {
    prepare: async (engine) => {
      runsSoFar = engine.runs.map((r, i) => ({ estimator: r.estimator, seed: r.seed, epochs: [...(checkpoint?.runs[i]?.epochs ?? [])] }));
      if (!isCheckpointable(engine)) {
        if (checkpoint) throw new UsageError(`--resume: the ${engine.info.description} cannot import a checkpoint; use --engine cpu`);
        checkpointNote = ` (no checkpoints: the ${engine.info.description} cannot export its state)`;
        return;
      }
      if (checkpoint && checkpointFile) {
        await engine.importState(checkpoint.state, checkpointFile);
        io.stdout.write(`resumed from ${checkpointFile} after epoch ${checkpoint.epochsDone}\n`);
      }
      io.stdout.write(`a checkpoint is written after every epoch to ${checkpointFileOut} (continue with: ${io.command ?? 'hnca'} train --resume ${checkpointFileOut})\n`);
    },
    onEpoch: async (epoch, records, engine) => {
      runsSoFar.forEach((run, i) => run.epochs.push(records[i]));
      if (isCheckpointable(engine)) {
        const state = await engine.exportState();
        const text = encodeCheckpoint({ runId, argv: runArgv, epochsDone: epoch, seconds: (checkpoint?.seconds ?? 0) + (performance.now() - started) / 1000, runs: runsSoFar, state });
        try {
          writeAtomic(checkpointFileOut, text);
          lastGoodCheckpoint = { file: checkpointFileOut, epoch };
        } catch (error) {
          if (!isFileSystemError(error)) throw error;
          writeFailure = { reason: fileSystemMessage(error, 'write'), epoch, keptCheckpoint: kept.keep(path.basename(checkpointFileOut), text) };
          return;
        }
      }
      try {
        appendEpochLines(epochLog, records, engine.runs);
      } catch (error) {
        if (!isFileSystemError(error)) throw error;
        writeFailure = { reason: fileSystemMessage(error, 'write'), epoch, keptCheckpoint: undefined };
      }
    },
    shouldStop: () => writeFailure !== undefined,
    ...(checkpoint ? { resume: { epochsDone: checkpoint.epochsDone, runs: checkpoint.runs } } : {}),
  });
  const seconds = (checkpoint?.seconds ?? 0) + result.seconds;
  const document = {
    tool: 'hnca',
    resultsVersion: RESULTS_VERSION,
    command: ['hnca', 'train', ...argv].join(' '),
    runId,
    createdAt,
    config: recordedConfig(command.config, command.session),
    engine: result.engine,
    machine: machineInfo(),
    dataset: info,
    updatesPerEpoch: result.updatesPerEpoch,
    seconds,
    ...splitSeconds(seconds, result.runs),
    ...(checkpoint ? { resumedFrom: { checkpoint: checkpointFile, epochsDone: checkpoint.epochsDone } } : {}),
    ...(result.interrupted ? { interrupted: true, signal: result.interrupted } : {}),
    ...(writeFailure ? { interrupted: true, stoppedBy: writeFailure.reason } : {}),
    runs: recordedRuns(result.runs),
  };
  const text = toJson(document);
  if (writeFailure) {
    // the disk refused a checkpoint or the log: keep the results and the whole log beside the kept checkpoint
    const results = kept.keep(path.basename(command.out), text);
    kept.keep(path.basename(epochLog), checkpointLog({ runs: runsSoFar }));
    const resumeFrom = writeFailure.keptCheckpoint
      ? `continue from the kept checkpoint (after epoch ${writeFailure.epoch}) once there is room: ${io.command ?? 'hnca'} train --resume ${writeFailure.keptCheckpoint} --out ${command.out}`
      : lastGoodCheckpoint
        ? `continue from the last good checkpoint (after epoch ${lastGoodCheckpoint.epoch}) once there is room: ${io.command ?? 'hnca'} train --resume ${lastGoodCheckpoint.file}`
        : 'no checkpoint was written';
    const where = results ? `the results of ${writeFailure.epoch} epochs are kept in ${kept.dir}` : 'the results could not be kept anywhere (the temporary folder refused them too)';
    throw new OutputError(`${writeFailure.reason}; training stopped after epoch ${writeFailure.epoch}; ${where}; ${resumeFrom}`, kept.dir);
  }
  try {
    writeResultsOrKeep({ [path.basename(command.out)]: text }, () => writeAtomic(command.out, text), kept);
  } catch (error) {
    if (error instanceof OutputError && lastGoodCheckpoint) {
      throw new OutputError(`${error.message}; the checkpoint ${lastGoodCheckpoint.file} (after epoch ${lastGoodCheckpoint.epoch}) is intact: continue with ${io.command ?? 'hnca'} train --resume ${lastGoodCheckpoint.file}`, error.savedTo);
    }
    throw error;
  }
  if (result.interrupted) {
    const epochs = result.runs[0]?.epochs.length ?? 0;
    io.stdout.write(`interrupted (${result.interrupted}) after ${epochs} finished epoch${epochs === 1 ? '' : 's'}; wrote ${command.out} (marked "interrupted": true)${epochs > 0 && !checkpointNote ? `; continue with: ${io.command ?? 'hnca'} train --resume ${checkpointFileOut}` : checkpointNote}\n`);
    return interruptExitCode(result.interrupted);
  }
  io.stdout.write(`wrote ${command.out} (${result.runs.length} run${result.runs.length === 1 ? '' : 's'}, ${seconds.toFixed(1)} s)${checkpointNote}\n`);
  return 0;
}

/** The epoch log of the records in a checkpoint: every finished epoch once, each epoch's runs in order. */
function checkpointLog(checkpoint: Pick<TrainCheckpoint, 'runs'>): string {
  const runs = checkpoint.runs.map((r, index) => ({ index, estimator: r.estimator, seed: r.seed }));
  const epochs = Math.min(...checkpoint.runs.map((r) => r.epochs.length));
  let text = '';
  for (let e = 0; e < epochs; e++) text += epochLines(checkpoint.runs.map((r) => r.epochs[e]), runs);
  return text;
}

/** The `runId` a results file or checkpoint records, or undefined (unreadable, or written before runs had one). */
function runIdOf(file: string): string | undefined {
  try {
    const match = /"runId":\s*"([\w-]+)"/.exec(readFileSync(file, 'utf8').slice(0, 65536));
    return match?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Before a resumed run writes `out`: the files there (`out`, its checkpoint, its epoch log) may be
 * those of the run being resumed (the checkpoint is `out`'s own, or they record its runId), which
 * it continues; any that belong to another run are set aside like a new run's (setAsideEarlierRun)
 * together with the others there, so that a resume never overwrites or mixes another run.
 * @returns one line saying what was moved where, or undefined
 */
export function setAsideOtherRun(out: string, checkpoint: TrainCheckpoint, checkpointFile: string): string | undefined {
  if (path.resolve(checkpointFile) === path.resolve(checkpointPath(out))) return undefined;
  const owned = [out, checkpointPath(out)].filter((file) => existsSync(file));
  const ours = checkpoint.runId !== undefined && owned.length > 0 && owned.every((file) => runIdOf(file) === checkpoint.runId);
  if (ours) return undefined;
  return setAsideEarlierRun(out)?.replace("an earlier run's", "another run's");
}

/**
 * Before a fresh run writes `out`: when `out`, its epoch log or its checkpoint already exist (an
 * earlier run's), renames the ones that exist to the first free `<name>.earlier-N` set beside
 * them, so that a new run never overwrites or empties an earlier one's files.
 * @returns one line saying what was moved where, or undefined when nothing was there
 * @throws the file system's error when a rename fails (before any training)
 */
export function setAsideEarlierRun(out: string): string | undefined {
  const related = (file: string): string[] => [file, epochLogPath(file), checkpointPath(file)];
  const present = related(out).filter((file) => existsSync(file));
  if (present.length === 0) return undefined;
  const stem = out.replace(/\.json$/i, '');
  let n = 1;
  while (related(`${stem}.earlier-${n}.json`).some((file) => existsSync(file))) n += 1;
  const target = related(`${stem}.earlier-${n}.json`);
  related(out).forEach((file, i) => {
    if (existsSync(file)) renameSync(file, target[i]);
  });
  return `an earlier run's ${present.map((f) => path.basename(f)).join(', ')} moved to ${path.basename(target[0]).replace(/\.json$/i, '')}.* beside them (nothing overwritten)`;
}
