import { FailedPreconditionError, InvalidArgumentError } from '../errors.ts';
import type { Engine } from '../engine/engine.ts';
import { containerFs, getContainer, mergeEnv, newContainer, removeContainer, saveContainer, type CreateOptions } from '../engine/containers.ts';
import type { ContainerState } from '../engine/container-state.ts';
import { refs } from '../engine/refs.ts';
import { writeContainer } from '../engine/container-records.ts';
import { stackRoot } from '../engine/rootfs.ts';
import { getVolume, type VolumeRecord } from '../engine/volumes.ts';
import { ExecError } from '../process/exec-error.ts';
import type { Process } from '../process/process.ts';
import type { ExitStatus } from '../process/process-table.ts';
import { SIGCONT, SIGKILL, SIGSTOP, signalNumber } from '../process/signals.ts';
import { NULL_WRITER, type ByteReader, type ByteWriter } from '../process/stdio.ts';
import { pipe } from '../process/pipe.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import { cleanPath } from '../tree/path.ts';
import { FsDomain } from '../vfs/domain.ts';
import { ROOT_CRED, ROOT_INO } from '../vfs/fs-api.ts';
import { withDefaults } from './environment.ts';
import { logTime, type LogStore } from './log.ts';
import { Sandbox, type RuntimeHost, type SandboxVolume } from './sandbox.ts';
import { resolveUser } from './user.ts';
import { copyIntoLive } from './live-copy.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import { workingSet } from './working-set.ts';

/** Copy a stream into a container's stdin; with `closeAtEnd` its end closes the stdin too. */
export async function pump(from: ByteReader, to: ByteWriter, closeAtEnd: boolean): Promise<void> {
  try {
    for (let chunk = await from.read(); chunk !== null; chunk = await from.read()) await to.write(chunk);
  } catch {
    // The container stopped reading (it exited): nothing more to pass on.
  }
  if (closeAtEnd) to.close();
}

/** The container's program could not start; `status` is what Docker's run exits with (127, 126). */
export class StartError extends FailedPreconditionError {
  constructor(
    message: string,
    readonly status: number,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
  }
}

export interface Streams {
  stdin?: ByteReader;
  stdout?: ByteWriter;
  stderr?: ByteWriter;
}

export interface ExecOptions {
  argv: string[];
  env?: string[];
  user?: string;
  workdir?: string;
  tty?: boolean;
}

/** How a container ended, as `docker wait` and `ps` report it. */
export interface ContainerExit {
  status: number;
  oom: boolean;
  error: string;
}

/**
 * A container while it runs in this engine process: its sandbox, its first process, and
 * the processes `exec` adds. When the first process exits the others are killed and the
 * container's filesystem changes go back to its writable layer (and volumes).
 */
export class RunningContainer {
  /** Resolves once the container has stopped and its changes are saved. */
  readonly done: Promise<ContainerExit>;
  private stopping = false;
  paused = false;

  constructor(
    readonly host: ContainerHost,
    readonly id: string,
    readonly sandbox: Sandbox,
    readonly init: Process,
    readonly volumes: Array<{ name: string; mount: SandboxVolume }>,
    private readonly state: ContainerState,
    /** Where output goes besides the log: attached clients. */
    private readonly outputs: Set<Streams>,
    /** The first process's stdin when the container keeps it open (`-i`), for attach. */
    readonly stdin: ByteWriter | undefined,
    finish: (exit: ExitStatus) => Promise<ContainerExit>,
  ) {
    this.done = init.wait().then(finish);
  }

  get config() {
    return this.state.Config;
  }

  /** `docker kill`: a signal to the first process (SIGKILL by default). */
  kill(signal: string | number = SIGKILL): void {
    let n: number;
    try {
      n = signalNumber(signal);
    } catch {
      throw new InvalidArgumentError(`invalid signal: ${signal}`);
    }
    this.init.kill(n);
  }

  /**
   * `docker stop`: the image's stop signal (SIGTERM by default), then SIGKILL after the
   * grace period. Resolves when the container has stopped.
   */
  async stop(timeoutSeconds = 10): Promise<ContainerExit> {
    if (!this.stopping) {
      this.stopping = true;
      const sig = this.state.Config.StopSignal ?? 'SIGTERM';
      this.kill(sig);
      const timer = setTimeout(() => this.init.kill(SIGKILL), Math.max(0, timeoutSeconds) * 1000);
      void this.done.finally(() => clearTimeout(timer));
    }
    return this.done;
  }

  /** `docker exec`: another process in the running container. */
  async exec(opts: ExecOptions, streams: Streams = {}): Promise<Process> {
    const vfs = this.sandbox.vfs;
    const c = this.state.Config;
    const user = resolveUser(vfs, opts.user ?? c.User ?? '', 'exec');
    const env = withDefaults(mergeEnv(c.Env ?? [], opts.env ?? []), {
      HOSTNAME: c.Hostname ?? '',
      HOME: user.home,
      ...(opts.tty ? { TERM: 'xterm' } : {}),
    });
    return this.sandbox.runtime.spawn({
      argv: opts.argv,
      env,
      cwd: opts.workdir || c.WorkingDir || '/',
      cred: user.cred,
      ppid: 0,
      ...(streams.stdin ? { stdin: streams.stdin } : {}),
      stdout: streams.stdout ?? NULL_WRITER,
      stderr: streams.stderr ?? NULL_WRITER,
      tty: opts.tty ?? false,
    });
  }

  /**
   * Write what the container changed so far into its writable layer and volumes, so
   * `commit`, `diff`, `cp` and `export` of a running container see it.
   */
  sync(): Promise<void> {
    return this.host.save(this.id, {}, this.sandbox, this.volumes, false);
  }

  /**
   * `cp` into the running container: the entries land in the filesystem its processes
   * see now (and so in its layer or volume when it stops or syncs).
   */
  copyIn(dest: string, entries: AsyncIterable<TarWriteEntry>, opts: { keepOwners: boolean }): Promise<void> {
    const e = this.host.engine;
    return copyIntoLive(this.sandbox.vfs, dest, entries, { ...opts, nowSeconds: Math.floor(e.now() / 1000), container: this.state.Name.slice(1) });
  }

  /** Send output to `streams` too, until the returned function is called. */
  addOutput(streams: Streams): () => void {
    this.outputs.add(streams);
    return () => this.outputs.delete(streams);
  }

  /** `docker pause`: every process stops where it is until `unpause`. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const p of this.sandbox.runtime.processes()) this.sandbox.runtime.kill(p.pid, SIGSTOP);
  }

  unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const p of this.sandbox.runtime.processes()) this.sandbox.runtime.kill(p.pid, SIGCONT);
  }

  /** `docker top`: the process table. */
  processes() {
    return this.sandbox.runtime.processes();
  }
}

interface Prepared {
  state: ContainerState;
  rootDomain: FsDomain;
  volumes: Array<{ name: string; mount: SandboxVolume }>;
}

/**
 * The containers this engine process runs. It is the one place that starts a container
 * and takes its changes back; whoever holds it (a foreground `run`, a detached monitor,
 * later a server behind a WebSocket) answers for those containers.
 */
export class ContainerHost {
  private readonly live = new Map<string, RunningContainer>();

  constructor(
    readonly engine: Engine,
    readonly runtimeHost: RuntimeHost,
    readonly logs: LogStore,
    /** The OS process holding the containers, recorded as their Pid so others can tell if it died. */
    readonly holderPid = 0,
  ) {}

  running(id: string): RunningContainer | undefined {
    return this.live.get(id);
  }

  /** How many containers run here now. */
  get runningCount(): number {
    return this.live.size;
  }

  /**
   * Start a created or exited container. Output goes to the log and to `attach` streams;
   * stdin comes from `attach.stdin` only when the container was created with `-i`.
   * Throws when the program cannot start (after recording the failure, as Docker does).
   */
  async start(ref: string, attach: Streams = {}): Promise<RunningContainer> {
    const e = this.engine;
    // One write: the working set is read while the merged view's directories are still
    // staged, and the container is recorded as running in the same step. A program that
    // then cannot start is recorded as exited.
    const prepared = await e.write(async () => {
      const { state } = await getContainer(e, ref);
      if (this.live.has(state.Id) || state.State.Running) {
        throw new FailedPreconditionError(`container ${state.Id.slice(0, 12)} is already running`);
      }
      return this.prepare(state);
    });
    return this.launch(prepared, attach);
  }

  /**
   * `run`: create a container and start it, recorded once, already running (for `--rm`,
   * one volatile record written at start and removed at exit).
   */
  async run(opts: CreateOptions, attach: Streams = {}): Promise<RunningContainer> {
    const e = this.engine;
    const prepared = await e.write(async () => {
      const { state, updates } = await newContainer(e, opts);
      // New volumes are read back by the working set: they go in first.
      if (updates.length) await e.commitRefs(updates);
      try {
        return await this.prepare(state, true);
      } catch (err) {
        // As create then start: the container stays, created, unless it was to be removed.
        if (!state.HostConfig.AutoRemove) await writeContainer(e, state, [], null);
        throw err;
      }
    });
    return this.launch(prepared, attach);
  }

  /** The container's working sets, and its record as running. Caller holds the lock. */
  private async prepare(state: ContainerState, isNew = false): Promise<Prepared> {
    const e = this.engine;
    // The merged view: the image's root with the container's layer on top.
    const empty = !state.Upper.opaque && (await e.trees.dir(state.Upper.tree)).size === 0;
    const root = empty ? state.Lower : await stackRoot(e, state.Lower, state.Upper);
    const rootDomain = await workingSet(e, root, this.runtimeHost.syncBlobs);
    const volumes: Array<{ name: string; mount: SandboxVolume }> = [];
    for (const m of state.Mounts) {
      if (m.Type === 'volume' && m.Name) {
        const v = await getVolume(e, m.Name);
        const domain = await workingSet(e, v.Root, this.runtimeHost.syncBlobs);
        volumes.push({ name: m.Name, mount: { path: m.Destination, domain, readOnly: !m.RW } });
      } else if (m.Type === 'tmpfs') {
        volumes.push({ name: '', mount: { path: m.Destination, domain: FsDomain.empty({ mode: 0o1777, uid: 0, gid: 0, mtime: Math.floor(e.now() / 1000) }), readOnly: !m.RW } });
      } else {
        throw new FailedPreconditionError(`bind mount ${m.Source}:${m.Destination}: host folders cannot be mounted into layerbox containers; use a volume (-v name:${m.Destination}) and 'layerbox cp'`);
      }
    }
    const running: ContainerState = {
      ...state,
      State: { ...state.State, Status: 'running', Running: true, Paused: false, ExitCode: 0, Error: '', Pid: this.holderPid, StartedAt: e.timestamp() },
    };
    if (isNew) await writeContainer(e, running, [], null);
    else await saveContainer(e, running);
    return { state: running, rootDomain, volumes };
  }

  private async launch(prepared: Prepared, attach: Streams): Promise<RunningContainer> {
    const e = this.engine;
    const { state, rootDomain, volumes } = prepared;
    const c = state.Config;
    const sandbox = await Sandbox.create(e, this.runtimeHost, {
      root: rootDomain,
      hostname: c.Hostname || state.Id.slice(0, 12),
      readOnly: state.HostConfig.ReadonlyRootfs ?? false,
      memory: state.HostConfig.Memory ? state.HostConfig.Memory : null,
      volumes: volumes.map((v) => v.mount),
      container: true,
    });

    const tty = c.Tty ?? false;
    // With -i the first process reads a pipe: the starter's stdin feeds it (its end closes
    // the pipe, as `docker run -i` does), and `attach` can write into it later.
    const stdin = c.OpenStdin ? pipe() : undefined;
    if (stdin && attach.stdin) void pump(attach.stdin, stdin.writer, true);
    const outputs = new Set<Streams>();
    if (attach.stdout || attach.stderr) outputs.add(attach);
    const log = (stream: 'stdout' | 'stderr'): ByteWriter => ({
      write: async (data) => {
        this.logs.append(state.Id, { stream: tty ? 'stdout' : stream, time: logTime(e.now()), data: data.slice() });
        for (const o of outputs) {
          const target = stream === 'stderr' && !tty ? o.stderr : o.stdout;
          if (target) await target.write(data).catch(() => {});
        }
      },
      close() {},
    });

    let init: Process;
    let user;
    try {
      user = resolveUser(sandbox.vfs, c.User ?? '', 'unable to find user');
      const cwd = cleanPath(c.WorkingDir || '/');
      // Docker makes a missing working directory.
      try {
        sandbox.vfs.lookup(ROOT_CRED, ROOT_INO, cwd, true);
      } catch {
        let at = '';
        for (const part of cwd.split('/').filter(Boolean)) {
          at += '/' + part;
          try {
            sandbox.vfs.lookup(ROOT_CRED, ROOT_INO, at, true);
          } catch {
            sandbox.vfs.mkdir(ROOT_CRED, ROOT_INO, at, 0o755);
          }
        }
      }
      const env = withDefaults(c.Env ?? [], { HOSTNAME: c.Hostname ?? '', HOME: user.home, ...(tty ? { TERM: 'xterm' } : {}) });
      init = await sandbox.runtime.spawn({
        argv: [state.Path, ...state.Args],
        env,
        cwd,
        cred: user.cred,
        ...(stdin ? { stdin: stdin.reader } : {}),
        stdout: log('stdout'),
        stderr: log('stderr'),
        tty,
      });
    } catch (err) {
      const status = err instanceof ExecError ? err.status : 128;
      const message = err instanceof Error ? err.message : String(err);
      await this.save(state.Id, { Status: 'exited', Running: false, ExitCode: status, Error: message, FinishedAt: e.timestamp() }, sandbox, volumes, state.HostConfig.AutoRemove ?? false);
      throw new StartError(`failed to start container ${state.Id.slice(0, 12)}: ${message}`, status, { cause: err });
    }

    const running = new RunningContainer(this, state.Id, sandbox, init, volumes, state, outputs, stdin?.writer, async (exit) => {
      sandbox.runtime.killAll(SIGKILL);
      this.live.delete(state.Id);
      await this.logs.flush(state.Id);
      const auto = state.HostConfig.AutoRemove ?? false;
      await this.save(
        state.Id,
        { Status: 'exited', Running: false, ExitCode: exit.status, Error: '', FinishedAt: e.timestamp(), OOMKilled: exit.oom ?? false },
        sandbox,
        volumes,
        auto,
      );
      return { status: exit.status, oom: exit.oom ?? false, error: exit.message ?? '' };
    });
    this.live.set(state.Id, running);
    return running;
  }

  /**
   * Take a stopped container's changes back: its writable layer and its volumes, and its
   * new state, in one commit. With `remove` (`--rm`) the container goes instead.
   */
  async save(
    id: string,
    st: Partial<ContainerState['State']> & { OOMKilled?: boolean },
    sandbox: Sandbox,
    volumes: Array<{ name: string; mount: SandboxVolume }>,
    remove: boolean,
  ): Promise<void> {
    const e = this.engine;
    await e.write(async () => {
      const updates: RefUpdate[] = [];
      for (const v of volumes) {
        if (!v.name || !v.mount.domain.dirty) continue;
        const cur = await getVolume(e, v.name).catch(() => undefined);
        if (!cur) continue;
        const rootNode = await v.mount.domain.commitTree(e.trees);
        const next: VolumeRecord = { ...cur, Root: rootNode };
        updates.push({ name: refs.volume(v.name), value: await e.putJson(next) });
      }
      if (remove) {
        if (updates.length) await e.commitRefs(updates);
        await removeContainer(e, id, { force: true, volumes: true });
        await this.logs.remove(id);
        return;
      }
      const { state, digest } = await getContainer(e, id);
      const fs = containerFs(e, state);
      if (sandbox.vfs.domain.dirty) await sandbox.vfs.commitTo(fs);
      // A sync of a running container keeps its holder's pid; only a stopped one has none.
      const next: ContainerState = { ...state, Upper: await fs.upper.persist(e.trees), State: { ...state.State, ...st, ...(st.Running === false ? { Pid: 0 } : {}) } };
      await writeContainer(e, next, updates, digest);
    });
  }
}
