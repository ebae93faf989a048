import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Files under a store's tmp/ are named `<pid>-<start>-<random>.<kind>`, where `<start>` is
 * the owner's start time in clock ticks since boot (/proc/<pid>/stat field 22). A pid alone
 * is reused (every containerised CLI is pid 1); pid plus start time names one process for
 * the life of the machine, so deciding that a file's owner is gone needs no guessing
 * from file ages. Worker threads share their process's identity, which is right: they
 * live and die with it.
 */
export interface TempOwner {
  pid: number;
  /** Start time in clock ticks since boot, or 0 where /proc is not available. */
  start: number;
}

const NAME = /^(\d+)-(\d+)-[0-9a-f]+\.[a-z]+$/;

/** The `<start>` of a process and whether it can still touch files, from /proc. */
function procStat(pid: number): { start: number; alive: boolean } | 'gone' | 'unknown' {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return existsProc() ? 'gone' : 'unknown';
    return 'unknown';
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  return { start: Number(fields[19]), alive: state !== 'Z' && state !== 'X' && state !== 'x' };
}

let procMounted: boolean | undefined;
function existsProc(): boolean {
  if (procMounted === undefined) {
    try {
      readFileSync('/proc/self/stat');
      procMounted = true;
    } catch {
      procMounted = false;
    }
  }
  return procMounted;
}

let self: TempOwner | undefined;
export function selfOwner(): TempOwner {
  if (!self) {
    const s = procStat(process.pid);
    self = { pid: process.pid, start: typeof s === 'object' ? s.start : 0 };
  }
  return self;
}

/**
 * A fresh temp file name owned by this process: pid, start time, then a random part
 * drawn once per process plus a counter (a random draw per file cost more than the
 * write of a small file).
 */
let unique: { prefix: string; n: number } | undefined;
export function tempName(kind: string): string {
  const o = selfOwner();
  unique ??= { prefix: randomBytes(4).toString('hex'), n: 0 };
  return `${o.pid}-${o.start}-${unique.prefix}${(unique.n++).toString(16).padStart(4, '0')}.${kind}`;
}

export function parseTempName(name: string): TempOwner | undefined {
  const m = NAME.exec(name);
  return m ? { pid: Number(m[1]), start: Number(m[2]) } : undefined;
}

/** True while the process that created a temp file may still use it. */
export function ownerAlive(o: TempOwner): boolean {
  const s = procStat(o.pid);
  if (s === 'gone') return false;
  if (s === 'unknown' || o.start === 0) return signalProbe(o.pid);
  return s.alive && s.start === o.start;
}

function signalProbe(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface TempScan {
  /** Files whose owner process is gone: nothing will ever use them. */
  stale: string[];
  /** Files of live processes (work in progress). */
  live: string[];
  /** Names that follow no known pattern. */
  unknown: string[];
}

export async function scanTemp(dir: string): Promise<TempScan> {
  const scan: TempScan = { stale: [], live: [], unknown: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return scan;
    throw e;
  }
  const alive = new Map<string, boolean>();
  for (const name of names.sort()) {
    const owner = parseTempName(name);
    if (!owner) {
      scan.unknown.push(name);
      continue;
    }
    const key = `${owner.pid}-${owner.start}`;
    let a = alive.get(key);
    if (a === undefined) alive.set(key, (a = ownerAlive(owner)));
    (a ? scan.live : scan.stale).push(name);
  }
  return scan;
}

/** Remove the temp files of dead processes; returns the names removed. Call under the store lock. */
export async function removeStaleTemp(dir: string): Promise<string[]> {
  const { stale } = await scanTemp(dir);
  await Promise.all(stale.map((n) => unlink(join(dir, n)).catch(ignoreMissing)));
  return stale;
}

export function ignoreMissing(e: unknown): void {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}

export function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** Remove a file, ignoring that it is gone already. */
export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    ignoreMissing(e);
  }
}
