import { StatusError } from '../cli/command.ts';
import { createProgress } from '../cli/progress.ts';
import { InvalidArgumentError } from '../errors.ts';
import { saveImages } from '../oci/save.ts';
import { loadImages } from '../oci/load.ts';
import { filesOfTar } from '../oci/archive-source.ts';
import { exportContainer, importRootfs } from '../oci/rootfs-archive.ts';
import { copyFromContainer, copyIntoContainer, resolveInContainer } from '../engine/cp.ts';
import { writeTar } from '../tar/writer.ts';
import { tarEntries } from '../tar/reader.ts';
import { basename, splitPath } from '../tree/path.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import type { ByteStream } from '../host.ts';
import { applyChanges } from './changes.ts';
import { out, type Ctx } from './io.ts';
import { untilCancelled } from '../util/cancellable.ts';
import { control, current, syncIfRunning } from './liveness.ts';

function refuseTerminal(ctx: Ctx, what: string): void {
  if (ctx.io.isTTY) throw new StatusError(1, `${what}: cowardly refusing to write binary data to a terminal. Use the -o flag or redirect`);
}

async function writeOut(ctx: Ctx, file: string, data: ByteStream, what: string): Promise<void> {
  if (file && file !== '-') {
    await ctx.io.files.write(file, data);
    return;
  }
  refuseTerminal(ctx, what);
  for await (const c of data) ctx.io.stdout(c);
}

/** `save -o FILE IMAGE...` (or to standard output). */
export async function save(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const progress = createProgress({ stdout: (s) => ctx.io.stderr(s), isTTY: ctx.io.isTTY && !!ctx.flags.string('output'), ...(ctx.io.columns ? { columns: ctx.io.columns } : {}) });
  let task: ReturnType<typeof progress.start> | undefined;
  const started = e.now();
  const data = saveImages(e, ctx.args, {
    onProgress: (p) => {
      // Only worth showing for saves that take a while.
      if (!task && e.now() - started < 1000) return;
      task ??= progress.start('Saving layers', { total: p.totalBytes });
      task.update(p.bytes);
    },
  });
  await writeOut(ctx, ctx.flags.string('output'), untilCancelled(data, ctx.io.cancelled, 'save'), 'save');
  task?.done('Saved');
}

/** `load -i FILE` (or from standard input): a docker-archive, OCI archive or OCI layout folder. */
export async function load(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const input = ctx.flags.string('input');
  const quiet = ctx.flags.bool('quiet');
  let files;
  if (input && input !== '-') {
    files = (await ctx.io.files.isDirectory(input))
      ? ctx.io.files.layoutFiles(input)
      : filesOfTar(await maybeGunzip(ctx, untilCancelled(ctx.io.files.read(input), ctx.io.cancelled, 'load'), input));
  } else {
    if (ctx.io.stdinIsTTY) throw new StatusError(1, 'Error: requested load from stdin, but stdin is empty');
    files = filesOfTar(await maybeGunzip(ctx, untilCancelled(ctx.io.stdin(), ctx.io.cancelled, 'load'), 'stdin'));
  }
  const progress = createProgress({ stdout: (s) => ctx.io.stdout(s), isTTY: ctx.io.isTTY, ...(ctx.io.columns ? { columns: ctx.io.columns } : {}) });
  let task: ReturnType<typeof progress.start> | undefined;
  const started = e.now();
  const loaded = await e.write(() =>
    loadImages(e, files, {
      what: input || 'stdin',
      onProgress: (p) => {
        if (quiet) return;
        if (!task && e.now() - started < 1000) return;
        task ??= progress.start('Loading layers', { units: 'bytes' });
        task.update(p.bytes);
      },
    }),
  );
  task?.done('Loaded');
  for (const img of loaded) {
    if (img.tags.length) for (const t of img.tags) out(ctx, `Loaded image: ${t}`);
    else out(ctx, `Loaded image ID: ${img.id}`);
  }
}

async function maybeGunzip(ctx: Ctx, src: ByteStream, what: string): Promise<ByteStream> {
  const e = await ctx.io.engine(ctx.globals);
  const { openMaybeGzip } = await import('../layer/decompress.ts');
  return openMaybeGzip(src, e.limits, what);
}

/** `import FILE|- [REPOSITORY[:TAG]]`. */
export async function importImage(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const src = ctx.args[0]!;
  if (/^[a-z]+:\/\//i.test(src)) throw new InvalidArgumentError(`import ${src}: layerbox works offline and cannot download; save the file and import it from disk`);
  const changes = ctx.flags.list('change');
  const id = await e.write(() =>
    importRootfs(e, untilCancelled(src === '-' ? ctx.io.stdin() : ctx.io.files.read(src), ctx.io.cancelled, 'import'), {
      source: src,
      ...(ctx.args[1] ? { reference: ctx.args[1] } : {}),
      ...(ctx.flags.string('message') ? { message: ctx.flags.string('message') } : {}),
      ...(changes.length ? { applyChanges: (c) => applyChanges(c, changes) } : {}),
    }),
  );
  out(ctx, id);
}

/** `export -o FILE CONTAINER`. */
export async function exportCmd(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  await syncIfRunning(ctx, ctx.args[0]!);
  await writeOut(ctx, ctx.flags.string('output'), untilCancelled(exportContainer(e, ctx.args[0]!), ctx.io.cancelled, 'export'), 'export');
}

/** Split `CONTAINER:PATH`; a path with a slash before any colon is local, as in Docker. */
function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

/** `cp`: between a container and the local filesystem (or a tar stream on `-`). */
export async function cp(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const src = splitCpArg(ctx.args[0]!);
  const dst = splitCpArg(ctx.args[1]!);
  if (src.container && dst.container) throw new StatusError(1, 'Error: copying between containers is not supported');
  if (!src.container && !dst.container) throw new StatusError(1, 'Error: must specify at least one container source');
  const follow = ctx.flags.bool('follow-link');
  // Into a running container: its holder writes into the filesystem its processes see.
  const live = dst.container ? await liveHandle(ctx, dst.container) : undefined;
  if (src.container) {
    await syncIfRunning(ctx, src.container);
    const contents = src.path.endsWith('/.');
    if (dst.path === '-') {
      refuseTerminal(ctx, 'cp');
      const name = basename(src.path);
      for await (const c of writeTar(copyFromContainer(e, src.container, src.path, name === '/' ? '.' : name, { follow }))) ctx.io.stdout(c);
      return;
    }
    const { node } = await resolveInContainer(e, src.container, src.path, follow);
    if (!node) throw new StatusError(1, `Error: Could not find the file ${src.path} in container ${src.container}`);
    const intoExisting = await ctx.io.files.isDirectory(dst.path);
    // Into an existing folder the copy keeps its name; otherwise it takes the destination's.
    const top = intoExisting && !contents ? basename(src.path) : '.';
    if (!intoExisting && node.type !== 'dir' && dst.path.endsWith('/')) throw new StatusError(1, `Error: destination directory ${dst.path} does not exist`);
    await ctx.io.files.extract(dst.path, rename(copyFromContainer(e, src.container, src.path, top, { follow }), top));
    return;
  }
  // Into a container.
  const container = dst.container!;
  const keepOwners = ctx.flags.bool('archive');
  if (src.path === '-') {
    if (live) await live.copyIn(dst.path, tarEntries(ctx.io.stdin()), { keepOwners });
    else await e.write(() => copyIntoContainer(e, container, dst.path, tarEntries(ctx.io.stdin()), { keepOwners }));
    return;
  }
  if (!(await ctx.io.files.exists(src.path))) throw new StatusError(1, `Error: lstat ${src.path}: no such file or directory`);
  // A symlink destination is followed: the copy lands on what it points to, as in Docker.
  const { node: destNode, path: destPath } = await resolveInContainer(e, container, dst.path, true);
  const contents = src.path.endsWith('/.');
  const srcIsDir = await ctx.io.files.isDirectory(src.path);
  let parent: string;
  let name: string;
  if (destNode?.type === 'dir') {
    parent = destPath;
    name = contents ? '' : basename(src.path);
  } else {
    if (destNode && srcIsDir) throw new StatusError(1, `Error: cannot copy a directory to a file: ${dst.path}`);
    if (!destNode && dst.path.endsWith('/')) throw new StatusError(1, `Error: no such directory ${dst.path} in container ${container}`);
    const parts = splitPath(destNode ? destPath : dst.path);
    name = parts.pop() ?? '';
    parent = '/' + parts.join('/');
  }
  if (live) await live.copyIn(parent, ctx.io.files.entries(src.path, name), { keepOwners });
  else await e.write(() => copyIntoContainer(e, container, parent, ctx.io.files.entries(src.path, name), { keepOwners }));
}

/**
 * The handle of a running container (undefined when it is not running, or the host runs
 * none), its changes so far saved so paths resolve as its processes see them.
 */
async function liveHandle(ctx: Ctx, ref: string) {
  if (!ctx.io.containers) return undefined;
  const state = await current(ctx, ref).catch(() => undefined);
  if (!state?.State.Running) return undefined;
  const h = await (await control(ctx)).handle(state.Id);
  if (!h) throw new StatusError(1, `Error: container ${ref} is running but cannot be reached`);
  await h.sync();
  return h;
}

/** Entries with the top renamed (cp out of a container to a new name keeps contents relative). */
async function* rename(entries: AsyncIterable<TarWriteEntry>, top: string): AsyncIterable<TarWriteEntry> {
  for await (const t of entries) yield { ...t, path: top === '.' ? t.path.replace(/^\.(\/|$)/, '') : t.path };
}
