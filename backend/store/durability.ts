import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, fsync, openSync } from 'node:fs';

/**
 * How `flush` makes staged files durable before renaming them into place:
 * - `fsync`: fsync every file, a few at a time on libuv's thread pool;
 * - `syncfs`: one syncfs(2) of the store's filesystem, which writes back its dirty data
 *   in one journal commit;
 * - `auto`: `fsync` below SYNCFS_MIN_FILES files, `syncfs` from there on.
 * Whenever syncfs is unavailable or fails, the batch is fsynced file by file instead,
 * so every mode ends with the bytes on disk or an error.
 */
export type Durability = 'auto' | 'fsync' | 'syncfs';

/**
 * From this many files on, `auto` uses syncfs. Measured here on ext4 with 50 KB files
 * (median of 5): 32 files fsync 10 ms / syncfs 15 ms; 128 files 45 / 26 ms; 1,000 files
 * 390 / 85 ms. syncfs also writes back other programs' dirty data on the same
 * filesystem, so small batches stay with fsync.
 */
export const SYNCFS_MIN_FILES = 64;

/** syncfs(2)'s number on the architectures whose helper calls it directly (Linux's tables). */
const SYSCALL_SYNCFS: Partial<Record<string, number>> = { x64: 306, arm64: 267 };

/** Make the contents of `files` (all on the filesystem of `root`) durable. */
export async function makeDurable(root: string, files: readonly string[], mode: Durability): Promise<void> {
  if (files.length === 0) return;
  if (mode === 'syncfs' || (mode === 'auto' && files.length >= SYNCFS_MIN_FILES)) {
    if (await syncfsHelper.syncfs(root)) return;
  }
  await fsyncAll(files);
}

/** Start the syncfs helper ahead of a large batch, while the process is still small (fork copies its page tables). */
export function prepareSyncfs(): void {
  void syncfsHelper.start();
}

/**
 * Start writing back the dirty data of the filesystem holding `root` now, without
 * waiting, when the syncfs helper runs: the final barrier of a large batch then has
 * less left to write, and the disk works while the batch is still being made. Only
 * a hint: durability still comes from `makeDurable`.
 */
export function startWriteback(root: string): void {
  syncfsHelper.syncfs(root, { background: true }).catch(() => {});
}

/**
 * Node has no binding for syncfs(2), and spawning coreutils' `sync -f` per flush costs
 * 20-100 ms, because Node forks the whole (large) process. So one small helper is kept
 * for the life of the process; it syncs the filesystem of each path written to its
 * stdin and answers with a status. It ends when its stdin closes, which happens when
 * this process exits or is killed. Its pipes hold the event loop only while a request
 * waits.
 *
 * The helper is Perl (perl-base is an essential Debian package), which calls syncfs(2)
 * itself: 0.1-0.4 ms for a clean filesystem here, where a shell running `sync -f` per
 * request paid 5-15 ms to start that program each time. Where the system call's number
 * is not known, or Perl is missing, the shell loop does it.
 */
const HELPERS: ReadonlyArray<readonly string[]> = [
  ...(SYSCALL_SYNCFS[process.arch] !== undefined
    ? [
        [
          'perl',
          '-e',
          `$| = 1; while (my $p = <STDIN>) { chomp $p; my $ok = open(my $fh, '<', $p) && syscall(${SYSCALL_SYNCFS[process.arch]}, fileno($fh)) == 0; close $fh if $fh; print $ok ? "0\\n" : "1\\n"; }`,
        ],
      ]
    : []),
  ['sh', '-c', 'while IFS= read -r p; do sync -f -- "$p" >/dev/null 2>&1; echo "$?"; done'],
];

class SyncfsHelper {
  private child: ChildProcessWithoutNullStreams | undefined;
  private waiting: Array<{ path: string; resolve: (ok: boolean) => void; background: boolean }> = [];
  private pending = '';
  /** Set once syncfs has failed before ever working: it is not available here. */
  private unavailable = false;
  private worked = false;
  private starting: Promise<void> | undefined;

  running(): boolean {
    return this.child !== undefined;
  }

  /** Start the helper unless it runs; resolves once it runs or cannot. */
  start(): Promise<void> {
    if (this.unavailable) return Promise.resolve();
    return (this.starting ??= this.spawn().catch(() => {
      this.unavailable = true;
    }));
  }

  /** Which of HELPERS to run: the next one is tried when one cannot start. */
  private helper = 0;

  private async spawn(): Promise<void> {
    // Loaded on first use: most commands flush too little to need it.
    const { spawn } = await import('node:child_process');
    const [cmd, ...args] = HELPERS[this.helper]!;
    const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.on('error', () => this.end(child));
    child.on('exit', () => this.end(child));
    child.stdin.on('error', () => this.end(child));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      this.pending += d;
      let nl: number;
      while ((nl = this.pending.indexOf('\n')) >= 0) {
        const status = this.pending.slice(0, nl).trim();
        this.pending = this.pending.slice(nl + 1);
        const ok = status === '0';
        if (ok) this.worked = true;
        else if (!this.worked) this.unavailable = true;
        this.waiting.shift()?.resolve(ok);
      }
      this.holdLoop();
    });
    child.stderr.resume();
    child.unref();
    this.holdLoop();
  }

  /**
   * syncfs of the filesystem holding `path`; false when it could not be done. A
   * `background` request does not keep the process alive, and is sent only to a
   * helper that is already running.
   */
  async syncfs(path: string, opts: { background?: boolean } = {}): Promise<boolean> {
    if (this.unavailable || path.includes('\n')) return false;
    const background = opts.background === true;
    if (!background) await this.start();
    const child = this.child;
    if (!child) return false;
    return new Promise((resolve) => {
      this.waiting.push({ path, resolve, background });
      this.holdLoop();
      child.stdin.write(path + '\n');
    });
  }

  private end(child: ChildProcessWithoutNullStreams): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.starting = undefined;
    this.pending = '';
    const waiting = this.waiting.splice(0);
    if (!this.worked && this.helper + 1 < HELPERS.length) {
      // This helper never answered (not installed): the next one takes its requests.
      this.helper++;
      for (const w of waiting) void this.syncfs(w.path).then(w.resolve);
      return;
    }
    if (!this.worked) this.unavailable = true;
    for (const w of waiting) w.resolve(false);
  }

  /** Keep the process alive while an answer is due, and never otherwise. */
  private holdLoop(): void {
    const c = this.child;
    if (!c) return;
    for (const s of [c.stdin, c.stdout, c.stderr] as unknown as Array<{ ref?(): void; unref?(): void }>) {
      if (this.waiting.some((w) => !w.background)) s.ref?.();
      else s.unref?.();
    }
  }
}

const syncfsHelper = new SyncfsHelper();

/** syncfs(2) of the filesystem holding `path` through the helper; false when it could not be done. */
export function syncfs(path: string): Promise<boolean> {
  return syncfsHelper.syncfs(path);
}

/** Whether the syncfs helper runs (started by `prepareSyncfs` or a large batch). */
export function syncfsRunning(): boolean {
  return syncfsHelper.running();
}

/** fsync every file, a few at a time: libuv runs them on its thread pool. */
export async function fsyncAll(files: readonly string[], concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) await fsyncPath(files[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
}

/**
 * fsync a file or folder by path. Opening and closing are synchronous (microseconds on
 * a local filesystem, where each trip through libuv's thread pool costs more than the
 * call); only the fsync itself, which waits for the disk, goes to the pool.
 */
export async function fsyncPath(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory so that renames and creations in it survive a crash. */
export const fsyncDir = fsyncPath;
