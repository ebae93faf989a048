import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { UnavailableError } from '../../shared/errors.ts';

/** How `ProcessLock.acquire` waits. */
export interface LockWaitOptions {
  /** Give up with UnavailableError after this many milliseconds. Default 60 000; Infinity waits forever. */
  timeoutMs?: number;
  /** Call `onWait` once after waiting this long. Default 2 000. */
  noticeAfterMs?: number;
  /** Told (once) that the lock is held by another process and this one is waiting. */
  onWait?: (message: string) => void;
}

export type Release = () => Promise<void>;

/**
 * A lock between processes that the kernel releases when its holder dies, kill -9
 * included, so there is never a stale lock to guess about.
 *
 * The lock is a listening unix socket in Linux's abstract namespace (an address that
 * starts with a NUL byte and has no file behind it): bind fails with EADDRINUSE while
 * another process holds it, and the kernel unbinds it when the holder's socket is
 * closed, which happens at exit however the process ends. Node creates sockets with
 * CLOEXEC, so children spawned by the holder do not inherit it. Node 20 exposes no
 * flock(2) or fcntl(2) locks without a native addon; this needs none.
 *
 * Limits: Linux only, and abstract addresses are scoped to a network namespace, so
 * processes in different network namespaces sharing one root do not exclude each other.
 *
 * A holder answers a connection with its pid, so a waiter can say whom it waits for.
 */
export class ProcessLock {
  constructor(
    /** The abstract socket address, starting with NUL. */
    readonly address: string,
    /** What is locked, for messages (a store root). */
    readonly what: string,
  ) {}

  /** Take the lock if it is free; undefined when another process holds it. */
  async tryAcquire(): Promise<Release | undefined> {
    return listenOnce(this.address);
  }

  /** Wait for the lock, retrying with a short backoff. */
  async acquire(opts: LockWaitOptions = {}): Promise<Release> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const noticeAfterMs = opts.noticeAfterMs ?? 2_000;
    const started = Date.now();
    let delay = 2;
    let noticed = false;
    for (;;) {
      const release = await this.tryAcquire();
      if (release) return release;
      const waited = Date.now() - started;
      if (!noticed && opts.onWait && waited >= noticeAfterMs) {
        noticed = true;
        opts.onWait(`waiting for ${holder(await askHolder(this.address))} to release the lock on ${this.what}`);
      }
      if (waited >= timeoutMs) {
        throw new UnavailableError(
          `lock on ${this.what} held by ${holder(await askHolder(this.address))}: gave up after ${Math.round(waited / 1000)} s`,
        );
      }
      const left = Math.min(timeoutMs - waited, noticed || !opts.onWait ? Infinity : noticeAfterMs - waited);
      await sleep(Math.max(1, Math.min(delay * (0.5 + Math.random()), left)));
      delay = Math.min(delay * 2, 100);
    }
  }
}

/** The lock of a folder, named after its device and inode so every path to it agrees. */
export async function folderLock(dir: string, what = dir): Promise<ProcessLock> {
  const st = await stat(dir, { bigint: true });
  const id = createHash('sha256').update(`${st.dev}:${st.ino}`).digest('hex').slice(0, 32);
  return new ProcessLock(`\0layerbox-lock-${id}`, what);
}

function listenOnce(address: string): Promise<Release | undefined> {
  return new Promise((resolve, reject) => {
    const asking = new Set<Socket>();
    const server = createServer((conn) => {
      asking.add(conn);
      conn.on('close', () => asking.delete(conn));
      conn.on('error', () => {});
      conn.end(String(process.pid));
    });
    // close() unbinds the address at once; its callback would also wait for the
    // connections of waiters asking for our pid, so those are cut instead of awaited.
    let held = true;
    const release: Release = async () => {
      if (!held) return;
      held = false;
      server.close();
      for (const c of asking) c.destroy();
    };
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(undefined) : reject(e)));
    // Holding the lock must never keep the process alive by itself.
    server.unref();
    server.listen(address, () => resolve(release));
  });
}

function holder(pid: number | undefined): string {
  if (pid === process.pid) return 'another user of the store in this process';
  return `another layerbox process${pid ? ` (pid ${pid})` : ''}`;
}

/** The holder's pid, or undefined if it does not answer quickly. */
function askHolder(address: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const sock = connect(address);
    const done = (pid?: number) => {
      sock.destroy();
      clearTimeout(timer);
      resolve(pid);
    };
    const timer = setTimeout(() => done(), 500);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (text += d));
    sock.on('end', () => done(/^\d+$/.test(text) ? Number(text) : undefined));
    sock.on('error', () => done());
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
