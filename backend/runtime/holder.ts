// The local socket through which other commands reach a container this process runs:
// one abstract unix socket per container (released by the kernel when the holder dies,
// so a dead holder is told by a refused connection), speaking runtime/frames.ts.
import { createHash } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { FailedPreconditionError, LayerboxError } from '../../shared/errors.ts';
import { ExecError } from '../../shared/process/exec-error.ts';
import { pipe } from '../../shared/process/pipe.ts';
import { tarEntries } from '../../shared/tar/reader.ts';
import type { TarWriteEntry } from '../../shared/tar/entry.ts';
import { writeTar } from '../../shared/tar/writer.ts';
import type { ByteWriter } from '../../shared/process/stdio.ts';
import type { ExecOptions, RunningContainer, Streams } from '../../shared/runtime/container-host.ts';
import { CHANNEL, FrameDecoder, decodeControl, encodeControl, encodeFrame, type Channel } from '../../shared/runtime/frames.ts';
import { DETACHED, LocalHandle, type ContainerHandle, type ProcessRow } from '../../shared/runtime/handle.ts';

export function holderAddress(storeRoot: string, id: string): string {
  const key = createHash('sha256').update(storeRoot).digest('hex').slice(0, 24);
  return `\0layerbox/${key}/container/${id}`;
}

function send(sock: Socket, channel: Channel, payload: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (sock.destroyed) return resolve();
    sock.write(encodeFrame(channel, payload), () => resolve());
  });
}

function reply(sock: Socket, message: object): void {
  if (!sock.destroyed) sock.end(encodeControl(message));
}

function errorMessage(e: unknown): { error: string; status?: number } {
  if (e instanceof ExecError) return { error: e.message, status: e.status };
  return { error: e instanceof Error ? e.message : String(e) };
}

/** Serve a running container on its socket until it stops; returns a function that stops serving. */
export function serveContainer(address: string, running: RunningContainer): () => void {
  const handle = new LocalHandle(running);
  const server: Server = createServer((sock) => {
    const frames = new FrameDecoder();
    let session: ((channel: Channel, payload: Uint8Array) => void) | undefined;
    sock.on('error', () => {});
    sock.on('data', (chunk) => {
      let list;
      try {
        list = frames.push(chunk);
      } catch (e) {
        reply(sock, errorMessage(e));
        return;
      }
      for (const f of list) {
        if (session) session(f.channel, f.payload);
        else if (f.channel === CHANNEL.control) session = dispatch(sock, handle, running, decodeControl(f.payload));
      }
    });
  });
  server.on('error', () => {});
  server.listen(address);
  server.unref();
  return () => server.close();
}

function dispatch(
  sock: Socket,
  handle: ContainerHandle,
  running: RunningContainer,
  msg: Record<string, unknown>,
): ((channel: Channel, payload: Uint8Array) => void) | undefined {
  const op = msg.op;
  const done = (p: Promise<unknown>) =>
    void p.then(
      (value) => reply(sock, { ok: true, value: value ?? null }),
      (e) => reply(sock, errorMessage(e)),
    );
  const writer = (channel: Channel): ByteWriter => ({ write: (b) => send(sock, channel, b), close() {} });
  switch (op) {
    case 'kill':
      done(handle.kill(String(msg.signal ?? 'KILL')));
      return undefined;
    case 'stop':
      done(handle.stop(Number(msg.timeout ?? 10)));
      return undefined;
    case 'wait':
      done(handle.wait());
      return undefined;
    case 'top':
      done(handle.top());
      return undefined;
    case 'pause':
      done(handle.pause());
      return undefined;
    case 'unpause':
      done(handle.unpause());
      return undefined;
    case 'sync':
      done(handle.sync());
      return undefined;
    case 'attach': {
      const input = msg.stdin ? pipe() : undefined;
      const gone = new Promise<void>((resolve) => sock.once('close', () => resolve()));
      done(handle.attach({ stdout: writer(CHANNEL.stdout), stderr: writer(CHANNEL.stderr), ...(input ? { stdin: input.reader } : {}) }, gone));
      return input ? stdinFrames(sock, input) : undefined;
    }
    case 'cp': {
      // The tar comes on the stdin channel.
      const tar = pipe();
      const reader = tar.reader;
      const bytes = (async function* () {
        for (let c = await reader.read(); c !== null; c = await reader.read()) yield c;
      })();
      done(handle.copyIn(String(msg.dest ?? '/'), tarEntries(bytes), { keepOwners: msg.keepOwners === true }));
      return stdinFrames(sock, tar);
    }
    case 'exec': {
      const stdin = msg.interactive ? pipe() : undefined;
      const opts = msg.options as ExecOptions;
      const streams: Streams = { stdout: writer(CHANNEL.stdout), stderr: writer(CHANNEL.stderr) };
      if (stdin) streams.stdin = stdin.reader;
      done(
        running.exec(opts, streams).then(async (p) => {
          stdin?.reader.close();
          return (await p.wait()).status;
        }),
      );
      return stdin ? stdinFrames(sock, stdin) : undefined;
    }
    default:
      reply(sock, { error: `unknown operation ${JSON.stringify(op)}` });
      return undefined;
  }
}

/** Stdin frames of a session into a pipe; an empty frame or the connection's end closes it. */
function stdinFrames(sock: Socket, p: ReturnType<typeof pipe>): (channel: Channel, payload: Uint8Array) => void {
  sock.on('close', () => p.writer.close());
  let queue = Promise.resolve();
  return (channel, payload) => {
    if (channel === CHANNEL.stdin) queue = queue.then(() => (payload.length ? p.writer.write(payload).catch(() => {}) : p.writer.close()));
  };
}

/** A request to the holder: a control message, then frames both ways until its reply. */
function request(address: string, msg: object, streams: Streams = {}, stdin?: AsyncIterable<Uint8Array>, until?: Promise<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = connect(address);
    const frames = new FrameDecoder();
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      sock.destroy();
    };
    // Whoever asked went away: hang up (the holder then lets go of this session).
    void until?.then(
      () => finish(() => resolve(DETACHED)),
      () => finish(() => resolve(DETACHED)),
    );
    sock.on('connect', () => {
      sock.write(encodeControl(msg));
      if (stdin) {
        void (async () => {
          for await (const chunk of stdin) if (!sock.destroyed) sock.write(encodeFrame(CHANNEL.stdin, chunk));
          if (!sock.destroyed) sock.write(encodeFrame(CHANNEL.stdin, new Uint8Array(0)));
        })().catch(() => {});
      }
    });
    sock.on('data', (chunk) => {
      for (const f of frames.push(chunk)) {
        if (f.channel === CHANNEL.stdout) void streams.stdout?.write(f.payload);
        else if (f.channel === CHANNEL.stderr) void streams.stderr?.write(f.payload);
        else if (f.channel === CHANNEL.control) {
          const r = decodeControl(f.payload);
          if (typeof r.error === 'string') {
            const e = new FailedPreconditionError(r.error) as LayerboxError & { status?: number };
            if (typeof r.status === 'number') e.status = r.status;
            finish(() => reject(e));
          } else finish(() => resolve(r.value));
        }
      }
    });
    sock.on('error', (e) => finish(() => reject(new FailedPreconditionError(`cannot reach the container's holder: ${e.message}`))));
    sock.on('close', () => finish(() => reject(new FailedPreconditionError('the container stopped before answering'))));
  });
}

/** Whether something listens at the address (the holder is alive). */
export function holderListening(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(address);
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

/** A container held by another process. */
export class RemoteHandle implements ContainerHandle {
  constructor(
    readonly id: string,
    private readonly address: string,
    private readonly stdinSource?: () => AsyncIterable<Uint8Array>,
  ) {}
  async kill(signal: string): Promise<void> {
    await request(this.address, { op: 'kill', signal });
  }
  async stop(timeout: number): Promise<number> {
    return Number(await request(this.address, { op: 'stop', timeout }));
  }
  async exec(opts: ExecOptions & { interactive?: boolean }, streams: Streams): Promise<number> {
    const { interactive, ...options } = opts;
    try {
      return Number(await request(this.address, { op: 'exec', options, interactive: interactive ?? false }, streams, interactive ? this.stdinSource?.() : undefined));
    } catch (e) {
      // The holder could not start the program: the same error as a local exec gives.
      const status = (e as { status?: number }).status;
      if (status !== undefined) throw new ExecError(status === 127 ? 'ENOENT' : 'EACCES', opts.argv[0] ?? '', (e as Error).message);
      throw e;
    }
  }
  async top(): Promise<ProcessRow[]> {
    return (await request(this.address, { op: 'top' })) as ProcessRow[];
  }
  async wait(): Promise<number> {
    return Number(await request(this.address, { op: 'wait' }));
  }
  async attach(streams: Streams, until?: Promise<unknown>): Promise<number> {
    const input = streams.stdin ? this.stdinSource?.() : undefined;
    return Number(await request(this.address, { op: 'attach', stdin: input !== undefined }, streams, input, until));
  }
  async pause(): Promise<void> {
    await request(this.address, { op: 'pause' });
  }
  async unpause(): Promise<void> {
    await request(this.address, { op: 'unpause' });
  }
  async sync(): Promise<void> {
    await request(this.address, { op: 'sync' });
  }
  /** The entries go to the holder as a tar on the stdin channel. */
  async copyIn(dest: string, entries: AsyncIterable<TarWriteEntry>, opts: { keepOwners: boolean }): Promise<void> {
    await request(this.address, { op: 'cp', dest, keepOwners: opts.keepOwners }, {}, writeTar(entries));
  }
}
