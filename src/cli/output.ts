// Output files (written atomically: a temp file beside the target, then rename) and the
// machine description recorded with every result.
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Writes `text` to `file` via a temp file and a rename, so readers never see a partial file. */
export function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Fails early (before any training) when --out FILE cannot be written. */
export function checkOutFile(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--out: folder ${dir} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--out: ${file} is a folder; give a file name`);
}

/** Fails early when --out DIR is a file or its parent is missing; the folder itself is made at the end. */
export function checkOutDir(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--out: ${dir} is a file; give a folder`);
    return;
  }
  const parent = path.dirname(path.resolve(dir));
  if (!existsSync(parent)) throw new UsageError(`--out: folder ${parent} does not exist`);
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
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
