import { StatusError } from '../cli/command.ts';
import { createdSince, formatRows, resolveFormat, stringifyCommand, truncateId, containerStatus } from '../cli/format.ts';
import { humanSize } from '../cli/units.ts';
import { InvalidArgumentError } from '../errors.ts';
import { createContainer, getContainer, listContainers, removeContainer, containerChanges, type CreateOptions } from '../engine/containers.ts';
import { commitContainer } from '../engine/commit.ts';
import { ensureImage } from '../engine/catalog.ts';
import { resolveImageId } from '../engine/images.ts';
import { prune } from '../engine/prune.ts';
import { ZERO_TIME } from '../engine/container-state.ts';
import { applyChanges } from './changes.ts';
import { confirm } from './confirm.ts';
import { out, err, type Ctx } from './io.ts';
import { control, current, reconcile, syncIfRunning } from './liveness.ts';

/** The run-like flags of `create` (and later `run`) as engine options. */
export async function createOptions(ctx: Ctx): Promise<CreateOptions> {
  const f = ctx.flags;
  const env: string[] = [];
  for (const file of f.list('env-file')) {
    const text = new TextDecoder().decode(await ctx.io.files.readFile(file));
    for (const line of text.split('\n')) {
      const l = line.trim();
      if (!l || l.startsWith('#')) continue;
      env.push(...expandEnv(l, ctx.io.env));
    }
  }
  for (const kv of f.list('env')) env.push(...expandEnv(kv, ctx.io.env));
  const labels: Record<string, string> = {};
  for (const kv of f.list('label')) {
    const i = kv.indexOf('=');
    labels[i < 0 ? kv : kv.slice(0, i)] = i < 0 ? '' : kv.slice(i + 1);
  }
  const mounts = f.list('mount').map(parseMount);
  const opts: CreateOptions = { image: ctx.args[0]!, env, labels, volumes: [...f.list('volume')], mounts };
  if (ctx.args.length > 1) opts.cmd = ctx.args.slice(1);
  if (f.changed('name')) opts.name = f.string('name');
  if (f.changed('entrypoint')) opts.entrypoint = f.string('entrypoint');
  if (f.changed('workdir')) opts.workdir = f.string('workdir');
  if (f.changed('user')) opts.user = f.string('user');
  if (f.changed('hostname')) opts.hostname = f.string('hostname');
  if (f.bool('read-only')) opts.readOnly = true;
  if (f.changed('memory')) opts.memory = f.number('memory');
  if (f.bool('rm')) opts.autoRemove = true;
  if (f.bool('tty')) opts.tty = true;
  if (f.bool('interactive')) opts.openStdin = true;
  if (f.changed('stop-signal')) opts.stopSignal = f.string('stop-signal');
  if (opts.workdir !== undefined && opts.workdir !== '' && !opts.workdir.startsWith('/')) {
    throw new InvalidArgumentError(`the working directory '${opts.workdir}' is invalid, it needs to be an absolute path`);
  }
  return opts;
}

/** `-e NAME` takes NAME from the caller's environment (dropped when unset), as Docker does. */
function expandEnv(kv: string, env: Readonly<Record<string, string | undefined>>): string[] {
  if (kv.includes('=')) return [kv];
  const v = env[kv];
  return v === undefined ? [] : [`${kv}=${v}`];
}

function parseMount(spec: string): NonNullable<CreateOptions['mounts']>[number] {
  const m: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const i = part.indexOf('=');
    m[(i < 0 ? part : part.slice(0, i)).trim()] = i < 0 ? 'true' : part.slice(i + 1);
  }
  const type = (m.type ?? 'volume') as 'volume' | 'bind' | 'tmpfs';
  if (!['volume', 'bind', 'tmpfs'].includes(type)) throw new InvalidArgumentError(`invalid argument "${spec}" for "--mount" flag: unknown mount type ${type}`);
  const target = m.target ?? m.destination ?? m.dst;
  if (!target) throw new InvalidArgumentError(`invalid argument "${spec}" for "--mount" flag: target is required`);
  const source = m.source ?? m.src;
  const readonly = m.readonly === 'true' || m.readonly === '1' || m.ro === 'true' || m.ro === '1';
  return { type, target, ...(source ? { source } : {}), readonly };
}

/** `create`: prints the new container's ID. */
export async function create(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const opts = await createOptions(ctx);
  await ensureImage(e, opts.image);
  const s = await e.write(() => createContainer(e, opts));
  out(ctx, s.Id);
}

/** `ps` / `container ls`. */
export async function ps(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const now = e.now();
  const noTrunc = ctx.flags.bool('no-trunc');
  let list = await listContainers(e);
  list = await Promise.all(list.map((c) => reconcile(ctx, c)));
  if (!ctx.flags.bool('all') && !ctx.flags.bool('latest') && !ctx.flags.changed('last')) list = list.filter((c) => c.State.Running);
  for (const f of ctx.flags.list('filter')) {
    const [k, v = ''] = f.split('=', 2) as [string, string | undefined];
    if (k === 'status') list = list.filter((c) => c.State.Status === v);
    else if (k === 'name') list = list.filter((c) => c.Name.slice(1).includes(v));
    else if (k === 'id') list = list.filter((c) => c.Id.startsWith(v));
    else if (k === 'ancestor') list = list.filter((c) => c.ImageName === v || c.Image.includes(v));
    else if (k === 'exited') list = list.filter((c) => c.State.Status === 'exited' && String(c.State.ExitCode) === v);
    else if (k === 'label') {
      const [lk, lv] = v.split('=', 2) as [string, string | undefined];
      list = list.filter((c) => lk in (c.Config.Labels ?? {}) && (lv === undefined || c.Config.Labels![lk] === lv));
    } else throw new StatusError(1, `Error: invalid filter '${k}'`);
  }
  if (ctx.flags.bool('latest')) list = list.slice(0, 1);
  else if (ctx.flags.changed('last')) list = list.slice(0, ctx.flags.number('last'));
  const rows: object[] = [];
  for (const c of list) {
    let image = c.ImageName;
    try {
      if ((await resolveImageId(e, c.ImageName)) !== c.Image) image = truncateId(c.Image);
    } catch {
      image = truncateId(c.Image);
    }
    const created = Date.parse(c.Created);
    const started = c.State.StartedAt === ZERO_TIME ? undefined : Date.parse(c.State.StartedAt);
    const finished = c.State.FinishedAt === ZERO_TIME ? undefined : Date.parse(c.State.FinishedAt);
    rows.push({
      ID: noTrunc ? c.Id : truncateId(c.Id),
      Image: image,
      Command: stringifyCommand(c.Path, c.Args, { trunc: !noTrunc }),
      CreatedAt: new Date(created).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC'),
      RunningFor: createdSince(created, now),
      Status: containerStatus({ running: c.State.Running, paused: c.State.Paused, exitCode: c.State.ExitCode, ...(started ? { startedAt: started } : {}), ...(finished ? { finishedAt: finished } : {}), dead: c.State.Status === 'dead' }, now),
      State: c.State.Status,
      Ports: '',
      Names: c.Name.slice(1),
      Labels: Object.entries(c.Config.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
      Mounts: c.Mounts.map((m) => m.Name ?? m.Source ?? '').join(','),
      Networks: 'none',
      Size: '0B',
    });
  }
  const table = ctx.flags.bool('size')
    ? 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Size}}'
    : 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
  const format = resolveFormat(ctx.flags.string('format'), { table, quiet: ctx.flags.bool('quiet'), quietFormat: '{{.ID}}' });
  out(ctx, formatRows(format, rows, {
    headers: { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Status: 'STATUS', State: 'STATE', Ports: 'PORTS', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS', Size: 'SIZE' },
    rowType: 'formatter.ContainerContext',
  }));
}

/** `rm -f` of a running container: SIGKILL it and let its holder save it first. */
/** Kill a running container; true when it was a `--rm` one, which its holder then removes. */
async function killFirst(ctx: Ctx, ref: string): Promise<boolean> {
  const state = await current(ctx, ref).catch(() => undefined);
  if (!state?.State.Running) return false;
  const c = await control(ctx);
  const h = await c.handle(state.Id);
  if (!h) return false;
  await h.kill('KILL');
  await h.wait().catch(() => {});
  return state.HostConfig.AutoRemove ?? false;
}

/** `rm` / `container rm`. */
export async function rm(ctx: Ctx): Promise<number> {
  const e = await ctx.io.engine(ctx.globals);
  let status = 0;
  // Running containers are killed first, outside the lock their holders need to save them.
  const removedByHolder = new Set<string>();
  if (ctx.flags.bool('force')) for (const name of ctx.args) if (await killFirst(ctx, name)) removedByHolder.add(name);
  await e.write(async () => {
    for (const name of ctx.args) {
      if (removedByHolder.has(name) && !(await getContainer(e, name).catch(() => undefined))) {
        out(ctx, name);
        continue;
      }
      try {
        const gone = await removeContainer(e, name, { force: ctx.flags.bool('force'), volumes: ctx.flags.bool('volumes') });
        if (ctx.io.containers) await (await control(ctx)).host.logs.remove(gone.Id);
        out(ctx, name);
      } catch (error) {
        err(ctx, `Error: ${error instanceof Error ? error.message : String(error)}`);
        status = 1;
      }
    }
  });
  return status;
}

/** `diff` / `container diff`. */
export async function diff(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  await syncIfRunning(ctx, ctx.args[0]!);
  for (const c of await containerChanges(e, ctx.args[0]!)) out(ctx, `${c.kind} ${c.path}`);
}

/** `commit` / `container commit`: prints the new image ID. */
export async function commit(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  await syncIfRunning(ctx, ctx.args[0]!);
  const changes = ctx.flags.list('change');
  const id = await e.write(() =>
    commitContainer(e, ctx.args[0]!, {
      ...(ctx.args[1] ? { reference: ctx.args[1] } : {}),
      ...(ctx.flags.string('message') ? { message: ctx.flags.string('message') } : {}),
      ...(ctx.flags.string('author') ? { author: ctx.flags.string('author') } : {}),
      ...(changes.length ? { applyChanges: (c) => applyChanges(c, changes) } : {}),
    }),
  );
  out(ctx, id);
}

/** `container prune [-f]`. */
export async function containerPrune(ctx: Ctx): Promise<void> {
  if (!ctx.flags.bool('force') && !(await confirm(ctx, 'WARNING! This will remove all stopped containers.'))) return;
  const e = await ctx.io.engine(ctx.globals);
  const r = await e.write(() => prune(e, { containers: true }));
  if (r.containers.length) {
    out(ctx, 'Deleted Containers:');
    for (const id of r.containers) out(ctx, id);
    out(ctx, '');
  }
  out(ctx, `Total reclaimed space: ${humanSize(r.reclaimed)}`);
}

