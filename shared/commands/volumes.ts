import { formatRows, resolveFormat } from '../cli/format.ts';
import { humanSize } from '../cli/units.ts';
import { createVolume, listVolumes, removeVolume } from '../engine/volumes.ts';
import { listContainers } from '../engine/containers.ts';
import { prune } from '../engine/prune.ts';
import { collectGarbage } from '../engine/gc.ts';
import { confirm } from './confirm.ts';
import { out, err, type Ctx } from './io.ts';

/** `volume create [NAME]`: prints the name. */
export async function volumeCreate(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const name = ctx.args[0] ?? (ctx.flags.string('name') || undefined);
  const labels: Record<string, string> = {};
  for (const l of ctx.flags.list('label')) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  const v = await e.write(() => createVolume(e, { ...(name ? { name } : {}), labels }));
  out(ctx, v.Name);
}

/** `volume ls`. */
export async function volumeLs(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  let vols = await listVolumes(e);
  for (const f of ctx.flags.list('filter')) {
    const [k, v = ''] = f.split('=', 2) as [string, string | undefined];
    if (k === 'name') vols = vols.filter((x) => x.Name.includes(v));
    else if (k === 'dangling') {
      const used = new Set((await listContainers(e)).flatMap((c) => c.Mounts.map((m) => m.Name)));
      vols = vols.filter((x) => used.has(x.Name) !== (v === 'true' || v === '1'));
    } else if (k === 'label') {
      const [lk, lv] = v.split('=', 2) as [string, string | undefined];
      vols = vols.filter((x) => lk in x.Labels && (lv === undefined || x.Labels[lk] === lv));
    }
  }
  const rows = vols.map((v) => ({
    Driver: v.Driver,
    Name: v.Name,
    Mountpoint: v.Mountpoint,
    Scope: v.Scope,
    Labels: Object.entries(v.Labels).map(([k, x]) => `${k}=${x}`).join(','),
    Links: 'N/A',
    Size: 'N/A',
  }));
  const format = resolveFormat(ctx.flags.string('format'), { table: 'table {{.Driver}}\t{{.Name}}', quiet: ctx.flags.bool('quiet'), quietFormat: '{{.Name}}' });
  out(ctx, formatRows(format, rows, { headers: { Driver: 'DRIVER', Name: 'VOLUME NAME', Mountpoint: 'MOUNTPOINT', Scope: 'SCOPE', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' }, rowType: 'formatter.volumeContext' }));
}

/** `volume rm NAME...`. */
export async function volumeRm(ctx: Ctx): Promise<number> {
  const e = await ctx.io.engine(ctx.globals);
  let status = 0;
  await e.write(async () => {
    const containers = await listContainers(e);
    for (const name of ctx.args) {
      try {
        await removeVolume(e, name, containers);
        out(ctx, name);
      } catch (error) {
        err(ctx, `Error: ${error instanceof Error ? error.message : String(error)}`);
        status = 1;
      }
    }
    await collectGarbage(e);
  });
  return status;
}

/** `volume prune [-f]`: removes unused anonymous volumes (all unused with --all). */
export async function volumePrune(ctx: Ctx): Promise<void> {
  if (!ctx.flags.bool('force') && !(await confirm(ctx, 'WARNING! This will remove anonymous local volumes not used by at least one container.'))) return;
  const e = await ctx.io.engine(ctx.globals);
  const r = await e.write(() => prune(e, { volumes: true }));
  if (r.volumes.length) {
    out(ctx, 'Deleted Volumes:');
    for (const v of r.volumes) out(ctx, v);
    out(ctx, '');
  }
  out(ctx, `Total reclaimed space: ${humanSize(r.reclaimed)}`);
}
