// Output files (written atomically: a temp file beside the target, then rename) and the
// machine description recorded with every result.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './flags.ts';

export interface MachineInfo {
  os: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

/**
 * Gives a file-system error the path it was about (`write(2)` and `rename(2)` errors of Node
 * carry none, or the temp file's), so that every message names the file the user asked for.
 * @returns `error`, for `throw withPath(error, file)`
 */
export function withPath(error: unknown, file: string): unknown {
  if (isFileSystemError(error)) error.path = file;
  return error;
}

/**
 * Writes `text` to `file` via a temp file and a rename, so readers never see a partial file.
 * @throws the file system's error with `path` = `file` (the temp file is removed)
 */
export function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw withPath(error, file);
  }
}

const ERRNO_TEXT: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
};

/** A Node file-system error (it has an errno `code`). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * One line for a file-system error: "cannot write /x/y.json: read-only file system (EROFS)".
 * Without a path (`target` or the error's), "cannot write a file: …" with the system call.
 */
export function fileSystemMessage(error: NodeJS.ErrnoException & { code: string }, action: string, target?: string): string {
  const where = target ?? error.path ?? (error.syscall ? `a file (${error.syscall})` : 'a file');
  return `cannot ${action} ${where}: ${(Object.hasOwn(ERRNO_TEXT, error.code) ? ERRNO_TEXT[error.code] : undefined) ?? error.message.split('\n')[0]} (${error.code})`;
}

/**
 * Proves `dir` writable by creating and removing a probe file in it (access(2) is not enough:
 * root passes permission checks, and only a real write meets EROFS or ENOSPC).
 * @throws UsageError with the one-line reason (the flag name first).
 */
function probeWritable(dir: string, flag: string): void {
  const probe = path.join(dir, `.hnca-write-probe.${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    if (isFileSystemError(error)) throw new UsageError(`${flag}: ${fileSystemMessage(error, 'write in', dir)}`);
    throw error;
  }
}

/** Fails early (before any training) when --out FILE cannot be written: missing folder, a folder as the file, or a folder that refuses writes. */
export function checkOutFile(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) throw new UsageError(`--out: folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out: ${dir} is a file, not a folder`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--out: ${file} is a folder; give a file name`);
  probeWritable(dir, '--out');
}

/** Fails early when --out DIR is a file, its parent is missing, or either refuses writes; the folder itself is made at the end. */
export function checkOutDir(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--out: ${dir} is a file; give a folder`);
    probeWritable(dir, '--out');
    return;
  }
  const parent = path.dirname(path.resolve(dir));
  if (!existsSync(parent)) throw new UsageError(`--out: folder ${parent} does not exist`);
  if (!statSync(parent).isDirectory()) throw new UsageError(`--out: ${parent} is a file, not a folder`);
  try {
    mkdirSync(dir);
    rmdirSync(dir);
  } catch (error) {
    if (isFileSystemError(error)) throw new UsageError(`--out: ${fileSystemMessage(error, 'make the folder', dir)}`);
    throw error;
  }
}

/** The results could not be written where asked; `savedTo` says where they were kept instead. */
export class OutputError extends Error {
  constructor(
    message: string,
    readonly savedTo: string | undefined,
  ) {
    super(message);
    this.name = 'OutputError';
  }
}

/**
 * A fresh folder under the system's temporary directory (hnca-results-XXXXXX), made on the first
 * file kept, where a run puts what it could not write where asked (the folder filled up or
 * became read-only during a long run), so that nothing computed is lost.
 */
export class KeptFiles {
  private folder: string | undefined;
  private failed = false;

  /** The folder, once a file was kept in it. */
  get dir(): string | undefined {
    return this.folder;
  }

  /**
   * Writes `text` as `name` into the folder.
   * @returns the kept file's path, or undefined when it could not be kept either (the
   *   temporary directory is full or read-only too)
   */
  keep(name: string, text: string): string | undefined {
    if (this.failed) return undefined;
    try {
      this.folder ??= mkdtempSync(path.join(os.tmpdir(), 'hnca-results-'));
      const file = path.join(this.folder, name);
      writeFileSync(file, text);
      return file;
    } catch {
      this.failed = true;
      return undefined;
    }
  }
}

/**
 * Writes the results (`files`: name → text) with `write`; when that fails with a file-system
 * error (the folder became read-only or full during a long run), keeps them in `kept`'s folder
 * (a fresh one under the system's temporary directory) so that nothing is lost.
 * @throws OutputError naming the failure and where the results were kept.
 */
export function writeResultsOrKeep<T>(files: Record<string, string>, write: () => T, kept = new KeptFiles()): T {
  try {
    return write();
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    const reason = fileSystemMessage(error, 'write');
    const all = Object.entries(files).every(([name, text]) => kept.keep(name, text) !== undefined);
    const savedTo = all ? kept.dir : undefined;
    throw new OutputError(savedTo ? `${reason}; the results are kept in ${savedTo}` : `${reason}; the results could not be kept anywhere`, savedTo);
  }
}

/** Writes several files into `dir` (made if needed), each atomically. */
export function writeFilesAtomic(dir: string, files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    writeAtomic(file, text);
    return file;
  });
}

/** JSON with non-finite numbers written as strings ("NaN", "-Infinity") rather than null. */
export function toJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), indent)}\n`;
}

/** The JSON Lines file that receives each epoch's records as they finish, beside `--out FILE`. */
export function epochLogPath(out: string): string {
  return `${out.replace(/\.json$/i, '')}.epochs.jsonl`;
}

/**
 * Appends one JSON line per run for a finished epoch (`{ cell?, run, estimator, seed, ...record }`),
 * so that even a killed process keeps every finished epoch. `cell` names a reproduce grid cell.
 */
export function appendEpochLines(file: string, records: readonly object[], runs: readonly { index: number; estimator: string; seed: number }[], cell?: Record<string, number>): void {
  try {
    appendFileSync(file, epochLines(records, runs, cell));
  } catch (error) {
    throw withPath(error, file);
  }
}

/** The JSON lines of one finished epoch (see appendEpochLines), each ending in a newline. */
export function epochLines(records: readonly object[], runs: readonly { index: number; estimator: string; seed: number }[], cell?: Record<string, number>): string {
  const lines = records.map((record, i) => toJson({ ...(cell ?? {}), run: runs[i].index, estimator: runs[i].estimator, seed: runs[i].seed, ...record }, 0).trimEnd());
  return `${lines.join('\n')}\n`;
}

/** Files `hnca reproduce` writes into its --out folder. */
const REPRODUCE_OUTPUT = /^(results\.(json|csv|md)|machine\.md|epochs\.jsonl|[\w.-]+\.svg|[\w.-]+\.vl\.json)$/;

/**
 * Before a fresh `hnca reproduce` writes into `dir`: when it holds an earlier run's results
 * (results.json or epochs.jsonl) and nothing but files reproduce writes, renames the folder to the
 * first free `<dir>.earlier-N`, so that nothing is overwritten or emptied.
 * @returns one line saying where the earlier results went, or undefined when there were none
 * @throws UsageError when the folder also holds other files (moving those would surprise);
 *   the file system's error when the rename fails (before any training)
 */
export function setAsideEarlierResults(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const entries = readdirSync(dir);
  if (!entries.includes('results.json') && !entries.includes('epochs.jsonl')) return undefined;
  const others = entries.filter((name) => !REPRODUCE_OUTPUT.test(name));
  if (others.length > 0) throw new UsageError(`--out: ${dir} holds an earlier run's results beside other files (${others[0]}); give another folder`);
  const base = dir.replace(/[\\/]+$/, '');
  let n = 1;
  while (existsSync(`${base}.earlier-${n}`)) n += 1;
  renameSync(dir, `${base}.earlier-${n}`);
  return `an earlier run's results in ${base} moved to ${base}.earlier-${n} (nothing overwritten)`;
}
