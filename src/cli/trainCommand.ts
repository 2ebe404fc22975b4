// `hnca train`: one configuration, every estimator × seed, results JSON at the end.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFlags } from './flags.ts';
import { TRAIN_HELP } from './help.ts';
import { TRAIN_FLAGS, trainCommand } from './options.ts';
import { interruptExitCode } from './interrupt.ts';
import { appendEpochLines, checkOutFile, epochLogPath, machineInfo, toJson, writeAtomic, writeResultsOrKeep } from './output.ts';
import { loadData, recordedConfig, runSession, type Io } from './session.ts';

export const RESULTS_VERSION = 1;

export async function trainMain(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(argv, TRAIN_FLAGS, 'hnca train');
  if (flags.help) {
    io.stdout.write(TRAIN_HELP);
    return 0;
  }
  const command = trainCommand(flags);
  if (command.defaultOut) mkdirSync(path.dirname(command.out), { recursive: true });
  checkOutFile(command.out);
  const { data, info } = loadData(command.session);
  const createdAt = new Date().toISOString();
  const epochLog = epochLogPath(command.out);
  writeFileSync(epochLog, '');
  io.stdout.write(`epoch records are appended to ${epochLog} as they finish\n`);
  const result = await runSession(command.config, command.session, data, io, '', (_epoch, records, runs) => appendEpochLines(epochLog, records, runs));
  const document = {
    tool: 'hnca',
    resultsVersion: RESULTS_VERSION,
    command: ['hnca', 'train', ...argv].join(' '),
    createdAt,
    config: recordedConfig(command.config, command.session),
    engine: result.engine,
    machine: machineInfo(),
    dataset: info,
    updatesPerEpoch: result.updatesPerEpoch,
    seconds: result.seconds,
    ...(result.interrupted ? { interrupted: true, signal: result.interrupted } : {}),
    runs: result.runs,
  };
  const text = toJson(document);
  writeResultsOrKeep({ [path.basename(command.out)]: text }, () => writeAtomic(command.out, text));
  if (result.interrupted) {
    const epochs = result.runs[0]?.epochs.length ?? 0;
    io.stdout.write(`interrupted (${result.interrupted}) after ${epochs} finished epoch${epochs === 1 ? '' : 's'}; wrote ${command.out} (marked "interrupted": true)\n`);
    return interruptExitCode(result.interrupted);
  }
  io.stdout.write(`wrote ${command.out} (${result.runs.length} runs, ${result.seconds.toFixed(1)} s)\n`);
  return 0;
}
