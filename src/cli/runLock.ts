// Each run owns its files (issue 26): `hnca train --out NAME.json` holds NAME.lock, and
// `hnca reproduce --out DIR` holds DIR.lock, from before it touches any of its files until it
// exits. The lock file holds the holder's pid, start time and command, so that a second process
// on the same output is refused in one line naming the holder, and a lock left by a process that
// is gone (kill -9, power loss) is taken over with one line saying so.
//
// Why not proper-lockfile (npm): it marks a lock by a folder whose mtime the holder refreshes on a
// timer and calls it stale after a fixed age; it records no pid, so it cannot name the holder, and
// a holder busy in a long synchronous kernel call (a WASM epoch) can miss its refresh and lose
// the lock. A process-id lock fits a one-machine command line: exclusive creation (O_EXCL) plus a
// liveness check of the recorded pid.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './flags.ts';
import { fileSystemMessage, isFileSystemError } from './output.ts';

/** What a lock file holds. */
export interface LockHolder {
  pid: number;
  /** ISO time the holder started */
  startedAt: string;
  host: string;
  /** the holder's command line (hnca train …) */
  command: string;
}

/** A held lock: release it when the run ends (also done at process exit). */
export interface RunLock {
  readonly file: string;
  /** one line when a stale lock was taken over, else undefined */
  readonly tookOver: string | undefined;
  release(): void;
}

/** The lock file of `hnca train --out FILE`: results/train.json → results/train.lock. */
export function trainLockPath(out: string): string {
  return `${out.replace(/\.json$/i, '')}.lock`;
}

/** The lock file of `hnca reproduce --out DIR`: beside the folder (DIR.lock), so it stays put when an earlier run's folder is set aside. */
export function folderLockPath(dir: string): string {
  return `${path.resolve(dir).replace(/[\\/]+$/, '')}.lock`;
}

/** Whether process `pid` on this host is alive (signal 0 probes without signalling; EPERM: alive, another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const v = value as Partial<Record<keyof LockHolder, unknown>>;
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
    return { pid: v.pid, startedAt: typeof v.startedAt === 'string' ? v.startedAt : 'an unknown time', host: typeof v.host === 'string' ? v.host : os.hostname(), command: typeof v.command === 'string' ? v.command : 'hnca' };
  } catch {
    return undefined;
  }
}

const describeHolder = (h: LockHolder): string => `pid ${h.pid}${h.host === os.hostname() ? '' : ` on ${h.host}`}, started ${h.startedAt}: ${h.command}`;

/**
 * Takes the lock `file` for this process (`what` names the output in messages, e.g. "--out b.json").
 * A lock whose holder is gone (its pid is not alive on this host, or the file is unreadable:
 * a crash while it was written) is taken over.
 * @throws UsageError (exit 2) naming the holder when a live process holds it; the file system's
 *   error (with the lock's path) when the lock cannot be written
 */
export function acquireRunLock(file: string, what: string, command: string): RunLock {
  const me: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), host: os.hostname(), command };
  const text = `${JSON.stringify(me)}\n`;
  // written beside, then linked into place: link(2) fails when the lock exists, and a reader
  // never sees a half-written lock
  const mine = `${file}.${process.pid}.new`;
  let tookOver: string | undefined;
  try {
    writeFileSync(mine, text);
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      }
      const holder = readHolder(file);
      if (holder && (holder.host !== os.hostname() || alive(holder.pid))) {
        throw new UsageError(`${what} is in use by another run (${describeHolder(holder)}); wait for it to finish, or give another --out (if that process is gone, delete ${file})`);
      }
      // stale: move it aside (rename is atomic: of two takers only one moves this file), then check
      // that what was moved is the stale lock seen, not a newer taker's
      const stale = `${file}.${process.pid}.stale`;
      renameSync(file, stale);
      const moved = readHolder(stale);
      if (moved && holder && moved.pid !== holder.pid) {
        renameSync(stale, file);
        throw new UsageError(`${what} is in use by another run (${describeHolder(moved)}); wait for it to finish, or give another --out`);
      }
      rmSync(stale, { force: true });
      tookOver = holder
        ? `took over ${file}: its holder (${describeHolder(holder)}) is no longer running`
        : `took over ${file}: it named no running process (damaged)`;
    }
  } catch (error) {
    if (isFileSystemError(error)) throw new UsageError(`${what}: ${fileSystemMessage(error, 'write the lock', file)}`);
    throw error;
  } finally {
    rmSync(mine, { force: true });
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    // only our own lock (a user may have deleted it and another run taken it)
    if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, tookOver, release };
}
