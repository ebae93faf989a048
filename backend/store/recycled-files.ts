import { chmodSync, close, closeSync, constants, fchmodSync, fstatSync, ftruncateSync, lstatSync, open, openSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { isMissing, tempName, unlinkQuietly } from './temp-file.ts';

/**
 * Files of deleted blobs, emptied and kept for new blobs to reuse, as PostgreSQL
 * recycles its WAL segment files instead of deleting and creating them.
 *
 * Creating a file is the slow part of storing a small blob, and deleting many makes
 * the next creates slower still: on ext4 without a journal (these machines), a new
 * inode is never one freed in the last one to six minutes (`recently_deleted` in
 * ext4's ialloc.c), and each create steps over all of those first. After a prune of a
 * thousand blobs, each create of the next build's thousand cost 0.15–0.3 ms of kernel
 * time instead of 0.05. Garbage collection moves a dead blob's file here and empties
 * it (its blocks are freed as by unlink); a new blob renames one back into tmp/ and
 * writes it, which allocates no inode.
 *
 * A long-lived process (the engine service) also keeps `spares` new empty files here,
 * made after each operation, off its path: a commit's few new files then cost no inode
 * allocation while the user waits, as PostgreSQL makes WAL segments ahead of need.
 *
 * Several processes may share the folder: each takes a file by renaming it away, so a
 * file goes to one taker. A file here holds nothing: after a crash between the rename
 * and the truncate it may still hold old bytes, which the next taker truncates.
 */
/** Files `refill` makes at once. */
const REFILL_AT_ONCE = 4;

export class RecycledFiles {
  /** Names believed to be in the folder, taken from the end. */
  private names: string[] | undefined;
  /** Whether the folder was listed again since the last `settle` (other processes add to it). */
  private relisted = false;
  /** A `refill` is under way. */
  private filling = false;

  constructor(
    readonly dir: string,
    /** Files to keep here at least, made by `refill`; 0 makes none. */
    private readonly spares = 0,
  ) {}

  /**
   * Move the blob file at `path` here and empty it; false when it stays for the caller
   * to delete (the pool is full, or the file has other names, whose content must survive).
   */
  async recycle(path: string): Promise<boolean> {
    const names = this.list();
    if (names.length >= MAX_FILES) return false;
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st?.isFile() || st.nlink !== 1) return false;
    const name = tempName('free');
    const to = join(this.dir, name);
    try {
      renameSync(path, to);
    } catch (e) {
      if (isMissing(e)) return true; // gone already: nothing left to delete
      return false;
    }
    // Past the rename the blob is gone, as by unlink. Emptying frees its blocks, which
    // takes as long as an unlink (libuv's pool). It is opened with O_TRUNC and closed,
    // not truncate(2)d: ext4 marks a file truncated to zero for a flush of its data at
    // the next close (auto_da_alloc), and that close is ours here, with nothing to
    // flush, instead of the next writer's.
    try {
      if (POOL_MODE !== 0o444) chmodSync(to, POOL_MODE);
      const fd = await new Promise<number>((resolve, reject) => open(to, constants.O_WRONLY | constants.O_TRUNC, (e, f) => (e ? reject(e) : resolve(f))));
      closeSync(fd);
      names.push(name);
    } catch {
      unlinkQuietly(to);
    }
    return true;
  }

  /**
   * An emptied file renamed to `target` and opened for writing (and reading, when
   * `readable`) with `mode`, or undefined when none is at hand (the caller creates one).
   */
  take(target: string, mode = 0o444, readable = false): number | undefined {
    for (;;) {
      const name = this.next();
      if (name === undefined) return undefined;
      try {
        renameSync(join(this.dir, name), target);
      } catch (e) {
        if (isMissing(e)) continue; // another process took it
        return undefined;
      }
      try {
        const fd = openSync(target, readable ? constants.O_RDWR : constants.O_WRONLY);
        // Not emptied (a crash came between rename and truncate): rare, so checked, not assumed.
        if (fstatSync(fd).size !== 0) ftruncateSync(fd, 0);
        if (mode !== POOL_MODE) fchmodSync(fd, mode);
        return fd;
      } catch {
        unlinkQuietly(target);
        return undefined;
      }
    }
  }

  /** A batch ended: the next time the list runs dry, look at the folder again. */
  settle(): void {
    this.relisted = false;
  }

  /**
   * Make new empty files until `spares` are here, a few at a time on libuv's pool
   * (where fsyncs waiting for the disk may hold some of its threads), and return at
   * once: called after an operation, so the next one finds them made.
   */
  refill(): void {
    if (this.filling || this.spares === 0) return;
    this.filling = true;
    let running = 0;
    let failed = false;
    const next = (): void => {
      while (!failed && running < REFILL_AT_ONCE && this.list().length + running < this.spares) {
        running++;
        const name = tempName('free');
        open(join(this.dir, name), 'wx', POOL_MODE, (err, fd) => {
          if (err) {
            failed = true;
            running--;
            if (running === 0) this.filling = false;
            return;
          }
          close(fd, () => {
            running--;
            this.list().push(name);
            next();
          });
        });
      }
      if (running === 0) this.filling = false;
    };
    next();
  }

  private next(): string | undefined {
    const names = this.list();
    if (names.length === 0 && !this.relisted) {
      this.relisted = true;
      this.names = undefined;
      return this.list().pop();
    }
    return names.pop();
  }

  private list(): string[] {
    if (!this.names) {
      try {
        this.names = readdirSync(this.dir);
      } catch {
        this.names = [];
      }
    }
    return this.names;
  }
}

/**
 * Files kept at most (an empty file costs one inode and no blocks): more than a
 * build of a large context writes, few enough that a prune of a huge store still
 * frees its inodes.
 */
const MAX_FILES = 16 * 1024;

/**
 * The mode of files here: root writes a 0444 file, so a blob file keeps its mode;
 * others make it writable while it waits.
 */
const POOL_MODE = process.getuid?.() === 0 ? 0o444 : 0o600;
