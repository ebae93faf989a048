import { StatusError } from '../cli/command.ts';
import { formatRows } from '../cli/format.ts';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors.ts';
import { ensureImage } from '../engine/catalog.ts';
import { createContainer, getContainer, saveContainer } from '../engine/containers.ts';
import type { ContainerState } from '../engine/container-state.ts';
import type { ByteReader, ByteWriter } from '../process/stdio.ts';
import { ExecError } from '../process/exec-error.ts';
import { StartError, type ContainerHost, type RunningContainer, type Streams } from '../runtime/container-host.ts';
import { LocalHandle, type ContainerHandle, type ProcessRow } from '../runtime/handle.ts';
import { logLines, type LogEntry } from '../runtime/log.ts';
import { createOptions } from './containers.ts';
import { out, err, type Ctx } from './io.ts';
import { control, current } from './liveness.ts';

/**
 * The commands that run containers: run, start, stop, kill, restart, wait, exec, logs,
 * top, attach, pause, unpause, rename. A foreground container runs in this process;
 * the others are reached through the host's container control (see runtime/control.ts).
 */

/** The terminal as a container's streams. */
function terminal(ctx: Ctx, withStdin: boolean): Streams {
  const w = (f: (b: Uint8Array) => void): ByteWriter => ({
    write: async (b) => f(b),
    close() {},
  });
  const s: Streams = { stdout: w((b) => ctx.io.stdout(b)), stderr: w((b) => ctx.io.stderr(b)) };
  if (withStdin) s.stdin = iterReader(ctx.io.stdin());
  return s;
}

function iterReader(src: AsyncIterable<Uint8Array>): ByteReader {
  const it = src[Symbol.asyncIterator]();
  let done = false;
  return {
    async read() {
      if (done) return null;
      const r = await it.next();
      if (r.done) {
        done = true;
        return null;
      }
      return r.value;
    },
    close() {
      if (!done) {
        done = true;
        void it.return?.();
      }
    },
  };
}

async function handleOf(ctx: Ctx, ref: string): Promise<{ state: ContainerState; handle: ContainerHandle }> {
  const state = await current(ctx, ref);
  if (!state.State.Running) throw new FailedPreconditionError(`Container ${state.Id} is not running`);
  const c = await control(ctx);
  const local = c.host.running(state.Id);
  const handle = local ? new LocalHandle(local) : await c.handle(state.Id);
  if (!handle) throw new FailedPreconditionError(`Container ${state.Id} is not running`);
  return { state, handle };
}

/**
 * Run a created container in the foreground: output to the terminal, Ctrl-C passed on,
 * exit status of its first process returned.
 */
async function foreground(ctx: Ctx, begin: (host: ContainerHost, streams: Streams) => Promise<RunningContainer>, interactive: boolean): Promise<number> {
  const c = await control(ctx);
  const running = await begin(c.host, terminal(ctx, interactive));
  const unserve = c.serve(running);
  let brokenPipe = false;
  const off = c.onInterrupt((sig) => {
    // Nobody reads our output any more: nothing the container writes can be seen, so it
    // stops, and this command ends as a process killed by SIGPIPE does.
    if (sig === 'SIGPIPE') {
      brokenPipe = true;
      running.kill('SIGKILL');
    } else running.kill(sig);
  });
  try {
    const status = (await running.done).status;
    return brokenPipe ? 141 : status;
  } finally {
    off();
    unserve();
  }
}

export async function run(ctx: Ctx): Promise<number> {
  const c = await control(ctx);
  // Workers take a while to start: begin now, while the container is being made.
  if (!ctx.flags.bool('detach')) void c.host.runtimeHost.pool();
  const e = await ctx.io.engine(ctx.globals);
  const opts = await createOptions(ctx);
  const detach = ctx.flags.bool('detach');
  if (detach && opts.autoRemove === undefined) opts.autoRemove = false;
  await ensureImage(e, opts.image);
  if (detach) {
    const state = await e.write(() => createContainer(e, opts));
    await c.startDetached(state.Id);
    out(ctx, state.Id);
    return 0;
  }
  try {
    return await foreground(ctx, (host, streams) => host.run(opts, streams), opts.openStdin ?? false);
  } catch (error) {
    // As docker run: the daemon's words, and 127/126 for a program that cannot start.
    if (error instanceof StartError) {
      err(ctx, `layerbox: Error response from daemon: ${error.message}.`);
      return error.status;
    }
    throw error;
  }
}

export async function start(ctx: Ctx): Promise<number> {
  const attach = ctx.flags.bool('attach');
  if (attach && ctx.args.length > 1) throw new InvalidArgumentError('you cannot start and attach multiple containers at once');
  const c = await control(ctx);
  let status = 0;
  for (const ref of ctx.args) {
    try {
      const state = await current(ctx, ref);
      if (state.State.Running) {
        if (!attach) out(ctx, ref);
        continue;
      }
      if (attach) return await foreground(ctx, (host, streams) => host.start(state.Id, streams), ctx.flags.bool('interactive') && (state.Config.OpenStdin ?? false));
      await c.startDetached(state.Id);
      out(ctx, ref);
    } catch (error) {
      err(ctx, `Error response from daemon: ${error instanceof Error ? error.message : String(error)}`);
      status = 1;
    }
  }
  if (status) err(ctx, 'Error: failed to start containers: ' + ctx.args.join(', '));
  return status;
}

/** stop / kill / restart / pause / unpause: one line per container as given, errors after. */
async function each(ctx: Ctx, verb: string, fn: (ref: string) => Promise<void>): Promise<number> {
  const failed: string[] = [];
  for (const ref of ctx.args) {
    try {
      await fn(ref);
      out(ctx, ref);
    } catch (error) {
      err(ctx, `Error response from daemon: ${error instanceof Error ? error.message : String(error)}`);
      failed.push(ref);
    }
  }
  if (failed.length) {
    err(ctx, `Error: failed to ${verb} containers: ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

export async function stop(ctx: Ctx): Promise<number> {
  const timeout = ctx.flags.changed('time') ? ctx.flags.number('time') : 10;
  return each(ctx, 'stop', async (ref) => {
    const state = await current(ctx, ref);
    if (!state.State.Running) return;
    const { handle } = await handleOf(ctx, ref);
    await handle.stop(timeout);
  });
}

export async function kill(ctx: Ctx): Promise<number> {
  const signal = ctx.flags.changed('signal') ? ctx.flags.string('signal') : 'KILL';
  return each(ctx, 'kill', async (ref) => {
    const { handle } = await handleOf(ctx, ref);
    await handle.kill(signal);
  });
}

export async function restart(ctx: Ctx): Promise<number> {
  const timeout = ctx.flags.changed('time') ? ctx.flags.number('time') : 10;
  const c = await control(ctx);
  return each(ctx, 'restart', async (ref) => {
    const state = await current(ctx, ref);
    if (state.State.Running) await (await handleOf(ctx, ref)).handle.stop(timeout);
    await c.startDetached(state.Id);
  });
}

export async function pause(ctx: Ctx): Promise<number> {
  return each(ctx, 'pause', async (ref) => (await handleOf(ctx, ref)).handle.pause());
}

export async function unpause(ctx: Ctx): Promise<number> {
  return each(ctx, 'unpause', async (ref) => (await handleOf(ctx, ref)).handle.unpause());
}

/** `wait`: blocks until each container stops, prints its exit code. */
export async function wait(ctx: Ctx): Promise<number> {
  let status = 0;
  for (const ref of ctx.args) {
    try {
      const state = await current(ctx, ref);
      if (!state.State.Running) {
        out(ctx, String(state.State.ExitCode));
        continue;
      }
      const { handle } = await handleOf(ctx, ref);
      await handle.wait();
      out(ctx, String((await current(ctx, ref)).State.ExitCode));
    } catch (error) {
      err(ctx, `Error response from daemon: ${error instanceof Error ? error.message : String(error)}`);
      status = 1;
    }
  }
  return status;
}

export async function exec(ctx: Ctx): Promise<number> {
  const [ref, ...argv] = ctx.args as [string, ...string[]];
  if (!argv.length) throw new InvalidArgumentError('"exec" requires at least 2 arguments');
  const { handle } = await handleOf(ctx, ref);
  const env: string[] = [...ctx.flags.list('env')];
  const interactive = ctx.flags.bool('interactive');
  const o = { argv, env, tty: ctx.flags.bool('tty'), interactive } as Parameters<ContainerHandle['exec']>[0];
  if (ctx.flags.changed('user')) o.user = ctx.flags.string('user');
  if (ctx.flags.changed('workdir')) o.workdir = ctx.flags.string('workdir');
  const c = await control(ctx);
  const off = c.onInterrupt(() => {});
  try {
    return await handle.exec(o, terminal(ctx, interactive));
  } catch (error) {
    if (!(error instanceof ExecError)) throw error;
    // Docker's wording and status for a program that cannot start in `exec` (on stdout, as Docker prints it).
    out(ctx, `OCI runtime exec failed: exec failed: unable to start container process: ${error.message}: unknown`);
    return 126;
  } finally {
    off();
  }
}

export async function logs(ctx: Ctx): Promise<number> {
  const e = await ctx.io.engine(ctx.globals);
  const c = await control(ctx);
  const state = await current(ctx, ctx.args[0]!);
  const tail = ctx.flags.changed('tail') && ctx.flags.string('tail') !== 'all' ? Number(ctx.flags.string('tail')) : undefined;
  if (tail !== undefined && !Number.isInteger(tail)) throw new InvalidArgumentError(`invalid value for --tail: ${ctx.flags.string('tail')}`);
  const timestamps = ctx.flags.bool('timestamps');
  const entries: LogEntry[] = [];
  for await (const entry of c.host.logs.read(state.Id)) entries.push(entry);
  const show = (list: typeof entries, view: { tail?: number; timestamps: boolean }) => {
    for (const l of logLines(list, view)) (l.stream === 'stderr' ? ctx.io.stderr : ctx.io.stdout)(l.text);
  };
  show(entries, { ...(tail !== undefined ? { tail } : {}), timestamps });
  if (!ctx.flags.bool('follow') || !state.State.Running) return 0;
  // Follow: new output as it comes, until the container stops.
  const { handle } = await handleOf(ctx, state.Id);
  const w = (stream: 'stdout' | 'stderr'): ByteWriter => ({
    write: async (b) => show([{ stream, time: new Date(e.now()).toISOString(), data: b }], { timestamps }),
    close() {},
  });
  await handle.attach({ stdout: w('stdout'), stderr: w('stderr') }, ctx.io.cancelled);
  return 0;
}

export async function attach(ctx: Ctx): Promise<number> {
  const { state, handle } = await handleOf(ctx, ctx.args[0]!);
  const withStdin = !ctx.flags.bool('no-stdin') && (state.Config.OpenStdin ?? false);
  return handle.attach(terminal(ctx, withStdin), ctx.io.cancelled);
}

export async function top(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const { handle } = await handleOf(ctx, ctx.args[0]!);
  const rows = await handle.top();
  const now = e.now();
  const fmtTime = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  // As ps -ef shows them: TIME, the CPU time used; C, its share of the process's life in percent.
  const cpuTime = (ms: number) => {
    const s = Math.floor(ms / 1000);
    return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  };
  const share = (r: ProcessRow) => String(Math.floor(((r.cpuMs ?? 0) / Math.max(1, now - r.started)) * 100));
  out(ctx, formatRows(
    'table {{.UID}}\t{{.PID}}\t{{.PPID}}\t{{.C}}\t{{.STIME}}\t{{.TTY}}\t{{.TIME}}\t{{.CMD}}',
    rows.map((r) => ({ UID: r.uid === 0 ? 'root' : String(r.uid), PID: String(r.pid), PPID: String(r.ppid), C: share(r), STIME: fmtTime(r.started), TTY: '?', TIME: cpuTime(r.cpuMs ?? 0), CMD: r.argv.join(' ') })),
    { headers: { UID: 'UID', PID: 'PID', PPID: 'PPID', C: 'C', STIME: 'STIME', TTY: 'TTY', TIME: 'TIME', CMD: 'CMD' } },
  ));
}

export async function rename(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const [ref, name] = ctx.args as [string, string];
  if (!/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  await e.write(async () => {
    const { state } = await getContainer(e, ref);
    const clash = await getContainer(e, name).catch((x) => (x instanceof NotFoundError ? undefined : Promise.reject(x)));
    if (clash && clash.state.Id !== state.Id) {
      throw new StatusError(1, `Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${clash.state.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    await saveContainer(e, { ...state, Name: '/' + name.replace(/^\//, '') });
  });
}

/** How long `stats` watches the containers' CPU time. */
const CPU_SAMPLE_MS = 500;

/** `stats --no-stream`: one sample of each running container's processes, CPU and memory. */
export async function stats(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const { listContainers } = await import('../engine/containers.ts');
  const { bytesSize } = await import('../cli/units.ts');
  const { reconcile } = await import('./liveness.ts');
  const all = ctx.args.length ? await Promise.all(ctx.args.map((r) => current(ctx, r))) : await Promise.all((await listContainers(e)).map((c) => reconcile(ctx, c)));
  const running = await Promise.all(all.filter((s) => s.State.Running).map(async (s) => ({ s, handle: (await handleOf(ctx, s.Id)).handle })));
  // CPU % is the CPU time used over a short wait, per process, as docker's is over the
  // interval between two samples.
  const sample = () => Promise.all(running.map(async ({ handle }) => ({ at: performance.now(), procs: await handle.top() })));
  const before = await sample();
  if (running.length) await new Promise<void>((r) => setTimeout(r, CPU_SAMPLE_MS));
  const after = await sample();
  const rows: object[] = [];
  for (const [i, { s }] of running.entries()) {
    const procs = after[i]!.procs;
    const was = new Map(before[i]!.procs.map((p) => [p.pid, p.cpuMs ?? 0]));
    const used = procs.reduce((n, p) => n + Math.max(0, (p.cpuMs ?? 0) - (was.get(p.pid) ?? 0)), 0);
    const cpuPerc = (used / Math.max(1, after[i]!.at - before[i]!.at)) * 100;
    const mem = procs.reduce((n, p) => n + p.memoryBytes, 0);
    const limit = s.HostConfig.Memory || 0;
    const mib = (n: number) => bytesSize(n);
    rows.push({
      ID: s.Id.slice(0, 12),
      Name: s.Name.slice(1),
      CPUPerc: `${cpuPerc.toFixed(2)}%`,
      MemUsage: `${mib(mem)} / ${limit ? mib(limit) : '--'}`,
      MemPerc: limit ? `${((mem / limit) * 100).toFixed(2)}%` : '--',
      NetIO: '0B / 0B',
      BlockIO: '0B / 0B',
      PIDs: String(procs.length),
    });
  }
  if (!ctx.flags.bool('no-stream')) err(ctx, 'stats streams only with --no-stream here; showing one sample');
  out(ctx, formatRows(
    ctx.flags.string('format') || 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}',
    rows,
    { headers: { ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' } },
  ));
}
