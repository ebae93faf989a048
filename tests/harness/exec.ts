// Spawning external programs for tests and benchmarks. Node's child_process is all
// this needs; the wrapper adds output capture, a timeout and a one-line failure message.
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Variables added to (or, when undefined, removed from) the inherited environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Bytes written to the child's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Killed with SIGKILL after this long. Default 120 s. */
  timeoutMs?: number;
  /** Throw when the exit code is not 0 (default true). */
  check?: boolean;
}

export interface RunResult {
  argv: readonly string[];
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
}

export class CommandError extends Error {
  constructor(readonly result: RunResult, reason: string) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-8).join('\n');
    super(`${result.argv.join(' ')}: ${reason}${tail ? `\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** Environment for a child: the current one with `extra` applied. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs argv to completion and collects its output as UTF-8 text. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('run: empty argv');
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: childEnv(opts.env),
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')}: cannot start: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        argv,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - started,
      };
      if (timedOut) reject(new CommandError(result, `timed out after ${timeoutMs} ms`));
      else if (opts.check !== false && code !== 0)
        reject(new CommandError(result, code === null ? `killed by ${signal}` : `exit code ${code}`));
      else resolve(result);
    });
  });
}
