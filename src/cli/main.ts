// The `hnca` command (bin/hnca.mjs calls main). Exit codes: 0 done, 1 failed while running, 2 bad command line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IdxError } from '../data/idx.ts';
import { EngineError } from '../engine/types.ts';
import { UsageError } from './flags.ts';
import { MAIN_HELP, REPRODUCE_HELP } from './help.ts';
import { fileSystemMessage, isFileSystemError, OutputError } from './output.ts';
import { installInterruptHandlers, interruptExitCode } from './interrupt.ts';
import { FIGURES, type FigureName } from './options.ts';
import { canRedraw } from './progress.ts';
import { reproduceMain } from './reproduce.ts';
import { reportMain } from './gridReport.ts';
import type { Io } from './session.ts';
import { trainMain } from './trainCommand.ts';

/** Whether a command-line word names a grid of `hnca reproduce`. */
function isFigure(word: string): word is FigureName {
  return (FIGURES as readonly string[]).includes(word);
}

/**
 * The command as the user typed it, for hints: `hnca` when run from an installed package (npm
 * exec, a global or project bin: the script lies under node_modules), else `node SCRIPT` with
 * the script relative to the working folder when it lies inside it (a clone: `node bin/hnca.mjs`).
 */
export function invocationName(script: string | undefined, cwd: string): string {
  if (!script || /[\\/]node_modules[\\/]/.test(script)) return 'hnca';
  const relative = path.relative(cwd, script);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : script;
  return `node ${/\s/.test(shown) ? JSON.stringify(shown) : shown}`;
}

export function processIo(): Io {
  // a closed pipe (`hnca … | head`) must not crash a training run: drop further output
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    stdout: { write: (text) => void process.stdout.write(text), isTTY: canRedraw(process.stdout.isTTY, process.env) },
    stderr: (text) => void process.stderr.write(text),
    interrupt: installInterruptHandlers((text) => void process.stderr.write(text)),
    command: invocationName(process.argv[1], process.cwd()),
  };
}

/**
 * The version of the hnca-playground package (package.json at the repository root).
 * @throws Error when package.json has no string "version".
 */
export function packageVersion(): string {
  const document: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = document !== null && typeof document === 'object' && 'version' in document ? document.version : undefined;
  if (typeof version !== 'string') throw new Error('package.json has no "version" string');
  return version;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    if (rest.length > 0) throw new UsageError(`${command} takes no arguments (got '${rest[0]}')`);
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (command === 'train') return trainMain(rest, io);
  if (command === 'reproduce') {
    const [figure, ...flags] = rest;
    if (figure === '--help' || figure === '-h' || (figure === undefined && flags.length === 0)) {
      io.stdout.write(REPRODUCE_HELP);
      return figure === undefined ? 2 : 0;
    }
    if (!isFigure(figure)) throw new UsageError(`hnca reproduce: unknown figure '${figure}'; accepted: ${FIGURES.join(', ')}`);
    return reproduceMain(figure, flags, io);
  }
  if (command === 'report') return reportMain(rest, io);
  throw new UsageError(`unknown command '${command}'; accepted: train, reproduce, report, --help, --version`);
}

/**
 * Runs one `hnca` command. A SIGINT or SIGTERM that came too late to cut anything short (during
 * the last evaluation or while the results were written: every epoch finished and was written)
 * still ends the process with 130 / 143, so that `hnca … && next` stops as the user asked; the
 * command's own output said what was written.
 * @returns the exit code: 0 done, 1 failed while running, 2 bad command line, 130 / 143 stopped by a signal
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    const code = await dispatch(argv, io);
    const late = io.interrupt?.requested();
    if (code === 0 && late !== undefined) {
      io.stdout.write(`${late} received with nothing left to stop: every epoch finished and was written\n`);
      return interruptExitCode(late);
    }
    return code;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`hnca: ${error.message}\n`);
      return 2;
    }
    if (error instanceof EngineError && (error.kind === 'config' || error.kind === 'unavailable')) {
      io.stderr(`hnca: ${error.message}\n`);
      return 2;
    }
    if (error instanceof OutputError) {
      io.stderr(`hnca: ${error.message}\n`);
      return 1;
    }
    if (isFileSystemError(error)) {
      io.stderr(`hnca: ${fileSystemMessage(error, 'use')}\n`);
      return 1;
    }
    if (error instanceof IdxError) {
      io.stderr(`hnca: bad MNIST data: ${error.message}\n`);
      return 1;
    }
    io.stderr(`hnca: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
