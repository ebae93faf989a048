// The engine service of one store: a long-lived Node process that runs `layerbox`
// commands for the store's owner, sent over the store's socket (protocol.ts) by thin
// clients (the `layerbox` launcher). It keeps what a command process pays for on every
// start — Node's own start-up, the compiled CLI, the opened store, warm process workers
// with compiled programs, caches of images and blobs — so a command costs what it does,
// not what starting does. Containers it runs (foreground or detached) are held here.
//
// It is started by a command that found none (after that command ran by itself), serves
// until nothing has happened for LAYERBOX_ENGINE_IDLE seconds (default 600) and no
// container runs, and ends at once when its store is removed. One per store: a second
// one finds the service lock taken and leaves.
import { createHash } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { runCli } from '../../shared/cli/command.ts';
import { program } from '../../shared/commands/program.ts';
import type { ByteStream } from '../../shared/host.ts';
import { CHANNEL, FrameDecoder, decodeControl, encodeControl, encodeFrame } from '../../shared/runtime/frames.ts';
import { nodeIO, openEngine, type Terminal } from '../cli/node-io.ts';
import { configureNodeWorkers } from '../runtime/node-runtime.ts';
import { nodeContainerHost } from '../runtime/node-control.ts';
import { StoreLayout } from '../store/layout.ts';
import { ProcessLock } from '../store/process-lock.ts';
import { isHello, type Hello } from './protocol.ts';
import { serviceSocket } from './service-socket.ts';

const encoder = new TextEncoder();
const bytes = (c: string | Uint8Array) => (typeof c === 'string' ? encoder.encode(c) : c);
/** Standard input held for a command before the client is asked to pause. */
const STDIN_HIGH_WATER = 4 * 1024 * 1024;
/** Empty files kept made ahead in the store: a commit writes about six. */
export const SPARE_FILES = 32;
const SIGNAL_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGPIPE: 141 };

export async function runEngineService(root: string, build: string): Promise<number> {
  const layout = new StoreLayout(root);
  const path = serviceSocket(layout.root);
  if (!path || !existsSync(layout.versionFile)) return 1;
  const lock = new ProcessLock(`\0layerbox-engine-${createHash('sha256').update(layout.root).digest('hex').slice(0, 32)}`, `the engine service of ${layout.root}`);
  const release = await lock.tryAcquire();
  if (!release) return 0;

  configureNodeWorkers({ warm: 2, refill: true });
  // A long-lived process makes the files of its next operations ahead (RecycledFiles).
  const o = await openEngine(layout.root, undefined, { spareFiles: SPARE_FILES });
  o.host ??= nodeContainerHost(o.engine, o.store);
  const host = o.host;
  void host.runtimeHost.pool();

  let active = 0;
  let last = Date.now();
  let stale = false;
  const idleMs = Math.max(1, Number(process.env.LAYERBOX_ENGINE_IDLE) || 600) * 1000;

  const server = createServer((sock) => {
    active++;
    serve(sock, build, () => (stale = true)).finally(() => {
      active--;
      last = Date.now();
    });
  });
  server.on('error', () => {});
  try {
    unlinkSync(path);
  } catch {
    // none left behind
  }
  // Created 0600, not chmod-ed after: no moment when others could connect.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(umask);
  }

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // The store was removed (or the socket with it): nothing left to serve.
      if (!existsSync(layout.versionFile) || !existsSync(path)) return resolve();
      if (active > 0 || host.runningCount > 0) {
        last = Date.now();
        return;
      }
      if (stale || Date.now() - last >= idleMs) resolve();
    }, 1000);
    void timer;
  });
  server.close();
  try {
    unlinkSync(path);
  } catch {
    // removed with the store
  }
  await release();
  return 0;
}

/** One command, from hello to exit. */
function serve(sock: Socket, build: string, onStale: () => void): Promise<void> {
  return new Promise((resolve) => {
    const decoder = new FrameDecoder();
    let hello: Hello | undefined;
    let finished = false;
    let gone = false;
    const interrupts = new Set<(signal: string) => void>();
    let cancel!: () => void;
    const cancelled = new Promise<void>((r) => (cancel = r));
    const stdin = new StdinQueue(sock);
    const send = (frame: Uint8Array) => {
      if (!finished && !gone && !sock.destroyed) sock.write(frame);
    };
    const finish = (code: number) => {
      if (finished) return;
      send(encodeControl({ t: 'exit', code }));
      finished = true;
      if (!sock.destroyed) sock.end();
    };
    sock.on('error', () => {});
    sock.on('close', () => {
      // The command went away (killed): its output has nowhere to go, its input ends;
      // a container it ran keeps running, as with docker.
      gone = true;
      stdin.end();
      cancel();
      if (!hello) resolve();
    });
    sock.on('data', (chunk: Buffer) => {
      const frames = decoder.tryPush(chunk);
      if (!frames) return void sock.destroy();
      for (const f of frames) {
        if (f.channel === CHANNEL.stdin) {
          stdin.push(f.payload);
          continue;
        }
        if (f.channel !== CHANNEL.control) continue;
        let m;
        try {
          m = decodeControl(f.payload);
        } catch {
          sock.destroy();
          return;
        }
        if (!hello) {
          if (!isHello(m)) {
            sock.destroy();
            return;
          }
          if (m.build !== build) {
            sock.end(encodeControl({ t: 'stale' }));
            onStale();
            resolve();
            return;
          }
          hello = m;
          void runCommand(m).then((code) => {
            finish(code);
            resolve();
          });
        } else if (m.t === 'stdin-end') stdin.end();
        else if (m.t === 'signal' && typeof m.signal === 'string') {
          if (interrupts.size) for (const fn of [...interrupts]) fn(m.signal);
          // Nothing in the foreground to pass it to: the command ends for its user now,
          // as a process killed by that signal; what it was doing finishes here unseen.
          else {
            finish(SIGNAL_STATUS[m.signal] ?? 130);
            cancel();
          }
        }
      }
    });

    const runCommand = async (h: Hello): Promise<number> => {
      const terminal: Terminal = {
        stdout: (c) => send(encodeFrame(CHANNEL.stdout, bytes(c))),
        stderr: (c) => send(encodeFrame(CHANNEL.stderr, bytes(c))),
        stdin: () => {
          if (!stdin.asked) {
            stdin.asked = true;
            send(encodeControl({ t: 'stdin' }));
          }
          return stdin.stream;
        },
        isTTY: h.isTTY,
        stdinIsTTY: h.stdinIsTTY,
        columns: h.columns,
        env: h.env,
        cwd: h.cwd,
        onInterrupt(fn) {
          interrupts.add(fn);
          return () => interrupts.delete(fn);
        },
        cancelled,
      };
      try {
        return await runCli(h.argv, nodeIO(terminal, { detachedHere: true }), program);
      } catch (err) {
        terminal.stderr(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      }
    };
  });
}

/** A command's standard input, as the client sends it, paused past a high-water mark. */
class StdinQueue {
  asked = false;
  private readonly chunks: Uint8Array[] = [];
  private held = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  readonly stream: ByteStream;

  constructor(private readonly sock: Socket) {
    const self = this;
    this.stream = (async function* () {
      for (;;) {
        const c = self.chunks.shift();
        if (c) {
          self.held -= c.length;
          if (self.held < STDIN_HIGH_WATER / 2) self.sock.resume();
          yield c;
          continue;
        }
        if (self.ended) return;
        await new Promise<void>((r) => (self.wake = r));
      }
    })();
  }

  push(c: Uint8Array): void {
    if (this.ended || c.length === 0) return;
    this.chunks.push(c);
    this.held += c.length;
    if (this.held > STDIN_HIGH_WATER) this.sock.pause();
    this.poke();
  }

  end(): void {
    this.ended = true;
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
