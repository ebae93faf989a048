import { StatusError } from '../cli/command.ts';
import { createdSince, formatInspect, formatRows, inspectJson, resolveFormat, truncateId, ellipsis } from '../cli/format.ts';
import { humanSize } from '../cli/units.ts';
import { NotFoundError } from '../errors.ts';
import { getImage, listImages, imageSize, tagImage } from '../engine/images.ts';
import { imageHistory } from '../engine/history.ts';
import { removeImage } from '../engine/image-remove.ts';
import { inspectImage, inspectContainer, inspectVolume } from '../engine/inspect.ts';
import { getContainer } from '../engine/containers.ts';
import { getVolume } from '../engine/volumes.ts';
import { collectGarbage } from '../engine/gc.ts';
import { prune } from '../engine/prune.ts';
import { parseReference } from '../image/reference.ts';
import { out, err, type Ctx } from './io.ts';
import { confirm } from './confirm.ts';

function splitTag(t: string): [string, string] {
  const i = t.lastIndexOf(':');
  return [t.slice(0, i), t.slice(i + 1)];
}

/** `images` / `image ls`. */
export async function images(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const now = e.now();
  const noTrunc = ctx.flags.bool('no-trunc');
  const all = await listImages(e);
  const filters = ctx.flags.list('filter');
  let repoFilter: string | undefined;
  let tagFilter: string | undefined;
  if (ctx.args[0]) {
    const r = parseReference(ctx.args[0]);
    repoFilter = r.repository;
    tagFilter = r.tag;
  }
  const rows: object[] = [];
  for (const img of all) {
    const size = humanSize(await imageSize(e, img));
    const created = Date.parse(img.config.created ?? '') || 0;
    const base = {
      ID: noTrunc ? img.id : truncateId(img.id),
      Digest: '<none>',
      CreatedSince: created ? createdSince(created, now) : 'N/A',
      CreatedAt: img.config.created ? new Date(created).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC') : '',
      Size: size,
      VirtualSize: size,
      SharedSize: 'N/A',
      UniqueSize: 'N/A',
      Containers: 'N/A',
    };
    const pairs: Array<[string, string]> = img.tags.length ? img.tags.map(splitTag) : [['<none>', '<none>']];
    for (const [repo, tag] of pairs) {
      if (repoFilter && repo !== repoFilter) continue;
      if (tagFilter && tag !== tagFilter) continue;
      if (!matchesFilters(filters, img.tags.length === 0, repo, tag, img.config.config?.Labels ?? {})) continue;
      rows.push({ ...base, Repository: repo, Tag: tag });
    }
  }
  const digests = ctx.flags.bool('digests');
  const table = digests
    ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
  const format = resolveFormat(ctx.flags.string('format'), { table, quiet: ctx.flags.bool('quiet'), quietFormat: '{{.ID}}' });
  out(ctx, formatRows(format, rows, {
    headers: { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', VirtualSize: 'VIRTUAL SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS' },
    rowType: 'formatter.imageContext',
  }));
}

function matchesFilters(filters: readonly string[], dangling: boolean, repo: string, tag: string, labels: Record<string, string>): boolean {
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    const value = eq < 0 ? '' : f.slice(eq + 1);
    if (key === 'dangling') {
      if ((value === 'true' || value === '1') !== dangling) return false;
    } else if (key === 'reference') {
      const re = new RegExp('^' + value.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
      if (!re.test(`${repo}:${tag}`) && !re.test(repo)) return false;
    } else if (key === 'label') {
      const [k, v] = value.split('=', 2) as [string, string | undefined];
      if (!(k in labels) || (v !== undefined && labels[k] !== v)) return false;
    } else {
      throw new StatusError(1, `Error: invalid filter '${key}'`);
    }
  }
  return true;
}

/** `history` / `image history`. */
export async function history(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const now = e.now();
  const noTrunc = ctx.flags.bool('no-trunc');
  const human = ctx.flags.bool('human');
  const rows = (await imageHistory(e, ctx.args[0]!)).map((r) => {
    const created = Date.parse(r.created) || 0;
    let createdBy = r.createdBy.replace(/\t/g, ' ');
    if (!noTrunc) createdBy = ellipsis(createdBy, 45);
    return {
      ID: r.id === '<missing>' ? r.id : noTrunc ? r.id : truncateId(r.id),
      CreatedSince: human ? (created ? createdSince(created, now) : 'N/A') : r.created,
      CreatedAt: r.created,
      CreatedBy: createdBy,
      Size: human ? humanSize(r.size) : String(r.size),
      Comment: r.comment,
    };
  });
  const format = resolveFormat(ctx.flags.string('format'), {
    table: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
    quiet: ctx.flags.bool('quiet'),
    quietFormat: '{{.ID}}',
  });
  out(ctx, formatRows(format, rows, {
    headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
    rowType: 'formatter.historyContext',
  }));
}

/** `inspect` (any kind), `image inspect`, `container inspect`, `volume inspect`. */
export async function inspect(ctx: Ctx, kind?: 'image' | 'container' | 'volume'): Promise<number> {
  const e = await ctx.io.engine(ctx.globals);
  const type = kind ?? (ctx.flags.has('type') ? ctx.flags.string('type') : '');
  if (type && !['image', 'container', 'volume'].includes(type)) throw new StatusError(1, `"${type}" is not a valid value for --type`);
  const found: unknown[] = [];
  let status = 0;
  for (const name of ctx.args) {
    try {
      found.push(await inspectOne(e, name, type));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      err(ctx, `Error: No such ${type || 'object'}: ${name}`);
      status = 1;
    }
  }
  const format = ctx.flags.string('format');
  if (format) {
    for (const v of found) out(ctx, formatInspect(format, v) + '\n');
  } else out(ctx, inspectJson(found) + '\n');
  return status;
}

/** Containers first, then images, then volumes, as `docker inspect` looks them up. */
async function inspectOne(e: Awaited<ReturnType<Ctx['io']['engine']>>, name: string, type: string): Promise<unknown> {
  if (type === '' || type === 'container') {
    try {
      return inspectContainer((await getContainer(e, name)).state);
    } catch (error) {
      if (type === 'container' || !(error instanceof NotFoundError)) throw error;
    }
  }
  if (type === '' || type === 'image') {
    try {
      return await inspectImage(e, await getImage(e, name));
    } catch (error) {
      if (type === 'image' || !(error instanceof NotFoundError)) throw error;
    }
  }
  return inspectVolume(await getVolume(e, name));
}

/** `tag SOURCE TARGET`. */
export async function tag(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  await e.write(() => tagImage(e, ctx.args[0]!, ctx.args[1]!));
}

/** `rmi` / `image rm`: each image in turn; errors are reported and the rest still removed. */
export async function rmi(ctx: Ctx): Promise<number> {
  const e = await ctx.io.engine(ctx.globals);
  const force = ctx.flags.bool('force');
  let status = 0;
  await e.write(async () => {
    for (const name of ctx.args) {
      try {
        const r = await removeImage(e, name, { force });
        for (const t of r.untagged) out(ctx, `Untagged: ${t}`);
        for (const d of r.deleted) out(ctx, `Deleted: ${d}`);
      } catch (error) {
        err(ctx, `Error: ${error instanceof Error ? error.message : String(error)}`);
        status = 1;
      }
    }
    await collectGarbage(e);
  });
  return status;
}

/** `image prune [-a] [-f]`. */
export async function imagePrune(ctx: Ctx): Promise<void> {
  const all = ctx.flags.bool('all');
  const warning = all
    ? 'WARNING! This will remove all images without at least one container associated to them.'
    : 'WARNING! This will remove all dangling images.';
  if (!ctx.flags.bool('force') && !(await confirm(ctx, warning))) return;
  const e = await ctx.io.engine(ctx.globals);
  const r = await e.write(() => prune(e, all ? { allImages: true } : { danglingImages: true }));
  if (r.images.length) {
    out(ctx, 'Deleted Images:');
    for (const d of r.images) out(ctx, `deleted: ${d}`);
    out(ctx, '');
  }
  out(ctx, `Total reclaimed space: ${humanSize(r.reclaimed)}`);
}
