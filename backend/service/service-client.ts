// The `layerbox` command as a client of its store's engine service (engine-service.ts):
// it sends its arguments, working directory and environment, plays the output back on
// its own terminal, forwards standard input when asked and its interrupts, and exits
// with the command's status. Small on purpose: it runs before, and instead of, loading
// the CLI.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { isatty } from 'node:tty';
import { CHANNEL, FrameDecoder, decodeControl, encodeControl, encodeFrame } from '../../shared/runtime/frames.ts';
import { defaultStoreRoot } from '../store/layout.ts';
import type { Hello } from './protocol.ts';
import { serviceSocket } from './service-socket.ts';

/** The store root a command line names: `--root DIR` / `--root=DIR`, else the default. */
export function commandRoot(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--root' && i + 1 < argv.length) return resolve(argv[i + 1]!);
    if (a.startsWith('--root=')) return resolve(a.slice('--root='.length));
  }
  return defaultStoreRoot(env);
}

/**
 * Run the command through the service. Resolves to its exit status, or to why it could
 * not: no service listening (`none`), or one of another build (`stale`).
 */
export function runViaService(root: string, argv: string[], build: string): Promise<number | 'none' | 'stale'> {
  const path = serviceSocket(root);
  if (!path) return Promise.resolve('none');
  return new Promise((done) => {
    const sock = connect(path);
    let connected = false;
    let settled = false;
    let piped = false;
    // Held until the end: a socket paused while the terminal drains is no reason for
    // Node to think there is nothing left to wait for.
    const alive = setInterval(() => {}, 1 << 30);
    const settle = (r: number | 'none' | 'stale') => {
      if (settled) return;
      settled = true;
      clearInterval(alive);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      done(r);
    };
    let interrupts = 0;
    const signal = (name: string) => {
      if (sock.destroyed) return;
      sock.write(encodeControl({ t: 'signal', signal: name }));
    };
    const onInt = () => {
      // A second Ctrl-C does not wait for the service.
      if (++interrupts > 1) process.exit(130);
      signal('SIGINT');
    };
    const onTerm = () => signal('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const onOutError = (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' || piped) return;
      piped = true;
      // What is still to come for stdout has nowhere to go: read on, drop it.
      sock.resume();
      signal('SIGPIPE');
    };
    process.stdout.on('error', onOutError);
    process.stderr.on('error', onOutError);

    const write = (out: NodeJS.WriteStream, payload: Uint8Array) => {
      if (piped && out === process.stdout) return;
      if (!out.write(payload)) {
        sock.pause();
        out.once('drain', () => sock.resume());
      }
    };
    const sendStdin = () => {
      const input = process.stdin;
      input.on('data', (c: Buffer) => {
        if (!sock.write(encodeFrame(CHANNEL.stdin, c))) {
          input.pause();
          sock.once('drain', () => input.resume());
        }
      });
      input.on('end', () => sock.write(encodeControl({ t: 'stdin-end' })));
      input.on('error', () => sock.write(encodeControl({ t: 'stdin-end' })));
    };

    sock.on('connect', () => {
      connected = true;
      const hello: Hello = {
        t: 'hello',
        build,
        argv,
        cwd: process.cwd(),
        env: process.env,
        // Asked of the descriptors: creating process.stdin just to ask would open it.
        isTTY: isatty(1),
        stdinIsTTY: isatty(0),
        ...(isatty(1) && process.stdout.columns ? { columns: process.stdout.columns } : {}),
      };
      sock.write(encodeControl(hello));
    });
    const decoder = new FrameDecoder();
    sock.on('data', (chunk: Buffer) => {
      const frames = decoder.tryPush(chunk);
      if (!frames) return void sock.destroy();
      for (const f of frames) {
        if (f.channel === CHANNEL.stdout) write(process.stdout, f.payload);
        else if (f.channel === CHANNEL.stderr) write(process.stderr, f.payload);
        else if (f.channel === CHANNEL.control) {
          const m = decodeControl(f.payload);
          if (m.t === 'stdin') sendStdin();
          else if (m.t === 'exit') settle(typeof m.code === 'number' ? m.code : 1);
          else if (m.t === 'stale') settle('stale');
        }
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      if (!connected) return settle('none');
      if (!settled) {
        process.stderr.write(`Error: the engine service of ${root} stopped before the command ended\n`);
        settle(125);
      }
    });
  });
}

/**
 * Start the store's engine service for the commands after this one, detached; a
 * service already starting or running keeps its lock and the new one leaves.
 */
export function startService(launcher: string, root: string, build: string): void {
  if (!serviceSocket(root) || !existsSync(join(root, 'layout-version'))) return;
  try {
    // Loaded here: the client of a running service never spawns, and loading
    // node:child_process took 1.5 ms of its start-up. (getBuiltinModule is Node ≥ 20.16.)
    const { spawn } = (process.getBuiltinModule?.('node:child_process') ?? require('node:child_process')) as typeof import('node:child_process');
    const child = spawn(process.execPath, [launcher, '__engine', root, build], {
      detached: true,
      stdio: 'ignore',
      // A long-lived process: the thread pool's start-up is paid once, builds and loads use it.
      env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '16' },
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Commands keep running by themselves.
  }
}
