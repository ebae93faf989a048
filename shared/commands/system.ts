import { StatusError } from '../cli/command.ts';
import { formatRows, resolveFormat } from '../cli/format.ts';
import { humanSize } from '../cli/units.ts';
import { diskUsage } from '../engine/usage.ts';
import { prune } from '../engine/prune.ts';
import { checkReferences } from '../engine/check.ts';
import { listImages } from '../engine/images.ts';
import { listContainers } from '../engine/containers.ts';
import { listVolumes } from '../engine/volumes.ts';
import { confirm } from './confirm.ts';
import { out, type Ctx } from './io.ts';

export const VERSION = '0.1.0';

/** `system df`, with a last line on what the store really holds after sharing. */
export async function df(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const u = await diskUsage(e);
  const rows = u.rows.map((r) => ({
    Type: r.type,
    TotalCount: String(r.total),
    Active: String(r.active),
    Size: humanSize(r.size),
    Reclaimable: r.size > 0 && r.type !== 'Build Cache' ? `${humanSize(r.reclaimable)} (${Math.round((r.reclaimable * 100) / r.size)}%)` : humanSize(r.reclaimable),
  }));
  const format = resolveFormat(ctx.flags.string('format'), { table: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}' });
  out(ctx, formatRows(format, rows, { headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' }, rowType: 'formatter.diskUsageContext' }));
  if (!ctx.flags.string('format')) {
    const logical = u.rows.reduce((s, r) => s + r.size, 0);
    out(ctx, `\nStored on disk: ${humanSize(u.storedBytes)} in ${u.blobs} blobs (identical files and directories are kept once; ${humanSize(logical)} listed above)`);
  }
}

/** `system prune [-a] [--volumes] [-f]`. */
export async function systemPrune(ctx: Ctx): Promise<void> {
  const all = ctx.flags.bool('all');
  const volumes = ctx.flags.bool('volumes');
  const lines = ['WARNING! This will remove:', '  - all stopped containers'];
  if (volumes) lines.push('  - all anonymous volumes not used by at least one container');
  lines.push(all ? '  - all images without at least one container associated to them' : '  - all dangling images', '  - all build cache');
  if (!ctx.flags.bool('force') && !(await confirm(ctx, lines.join('\n') + '\n'))) return;
  const e = await ctx.io.engine(ctx.globals);
  const r = await e.write(() => prune(e, { containers: true, danglingImages: true, allImages: all, volumes, buildCache: true }));
  const section = (title: string, items: string[]) => {
    if (!items.length) return;
    out(ctx, title);
    for (const i of items) out(ctx, i);
    out(ctx, '');
  };
  section('Deleted Containers:', r.containers);
  section('Deleted Volumes:', r.volumes);
  section('Deleted Images:', r.images.map((d) => `deleted: ${d}`));
  if (r.cacheEntries) out(ctx, `Deleted build cache objects: ${r.cacheEntries}\n`);
  out(ctx, `Total reclaimed space: ${humanSize(r.reclaimed)}`);
}

/** `system check`: every blob's bytes match its name; every ref's whole closure exists. */
export async function check(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const problems = [...((await ctx.io.checkBlobs?.(ctx.globals)) ?? []), ...(await checkReferences(e))];
  if (problems.length) {
    for (const p of problems) ctx.io.stderr(p + '\n');
    throw new StatusError(1, `system check: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${e.store.location}`);
  }
  out(ctx, `system check: ${e.store.location}: ok`);
}

/** `version`. */
export async function version(ctx: Ctx): Promise<void> {
  const format = ctx.flags.string('format');
  const v = { Client: { Version: VERSION, ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' }, Server: { Version: VERSION, Engine: 'layerbox' } };
  if (format) {
    const { formatInspect } = await import('../cli/format.ts');
    out(ctx, formatInspect(format, v));
    return;
  }
  out(ctx, `Client: layerbox\n Version:    ${VERSION}\n API version: 1.41 (docker-compatible command line)\n OS/Arch:    linux/amd64`);
}

/** `info`. */
export async function info(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const containers = await listContainers(e);
  const images = await listImages(e);
  const volumes = await listVolumes(e);
  const running = containers.filter((c) => c.State.Running).length;
  const paused = containers.filter((c) => c.State.Paused).length;
  out(ctx, [
    'Server:',
    ` Containers: ${containers.length}`,
    `  Running: ${running}`,
    `  Paused: ${paused}`,
    `  Stopped: ${containers.length - running - paused}`,
    ` Images: ${images.length}`,
    ` Volumes: ${volumes.length}`,
    ` Server Version: layerbox ${VERSION}`,
    ' Storage Driver: layerbox (content-addressed trees)',
    ` Store: ${ctx.io.storeLocation(ctx.globals)}`,
    ' Operating System: layerbox',
    ' OSType: linux',
    ' Architecture: x86_64',
  ].join('\n'));
}

