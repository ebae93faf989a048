// A long-running peer process (dockerd, docker-registry) owned by the current process,
// with its output in a log file and a clean shutdown even if the owner forgets stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv } from './exec.ts';

export interface Daemon {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logPath: string;
  /** True once the process has exited. */
  exited(): boolean;
  /** Last lines of the log, joined on one line, for error messages. */
  logTail(lines?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves true if SIGTERM sufficed. Idempotent. */
  stop(graceMs?: number): Promise<boolean>;
}

export function spawnDaemon(
  argv: readonly string[],
  opts: { logPath: string; env?: Record<string, string | undefined>; cwd?: string },
): Daemon {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('spawnDaemon: empty argv');
  const logFd = openSync(opts.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(file, args, { stdio: ['ignore', logFd, logFd], env: childEnv(opts.env), cwd: opts.cwd });
  } finally {
    closeSync(logFd);
  }
  if (child.pid === undefined) throw new Error(`${file}: cannot start`);
  const pid = child.pid;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const onExit = () => {
    if (!exited()) child.kill('SIGTERM');
  };
  process.once('exit', onExit);
  let stopping: Promise<boolean> | undefined;
  return {
    child,
    pid,
    logPath: opts.logPath,
    exited,
    async logTail(lines = 5) {
      const text = await readFile(opts.logPath, 'utf8').catch(() => '');
      return text.trim().split('\n').slice(-lines).join(' | ');
    },
    stop(graceMs = 30_000) {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        if (exited()) return true;
        child.kill('SIGTERM');
        const grace = new AbortController();
        const graceful = await Promise.race([
          exitedPromise.then(() => true),
          sleep(graceMs, false, { signal: grace.signal }).catch(() => false),
        ]);
        grace.abort(); // no timer may keep the owner alive
        if (!graceful) {
          child.kill('SIGKILL');
          await exitedPromise;
        }
        return graceful;
      })();
      return stopping;
    },
  };
}

/** Polls `ready` every `intervalMs` until it returns true; fails early when the daemon exits. */
export async function waitReady(
  daemon: Daemon,
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (daemon.exited()) {
      const c = daemon.child;
      throw new Error(`${what} exited (${c.exitCode ?? c.signalCode}): ${await daemon.logTail()}`);
    }
    if (await ready()) return;
    if (performance.now() > deadline) {
      throw new Error(`${what} not ready within ${timeoutMs} ms: ${await daemon.logTail()}`);
    }
    await sleep(intervalMs);
  }
}
