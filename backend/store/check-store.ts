import { createHash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../../shared/digest/digest.ts';
import type { FsStore } from './fs-store.ts';
import { LAYOUT_ENTRIES } from './layout.ts';
import { scanTemp } from './temp-file.ts';

/** What `checkStore` found. `ok` is true when every list is empty and refs.json reads. */
export interface StoreCheckReport {
  ok: boolean;
  root: string;
  /** Blob files checked. */
  blobs: number;
  /** Refs checked. */
  refs: number;
  /** Blob files whose bytes do not hash to their name (`actual`), or that cannot be read (`error`). */
  corruptBlobs: Array<{ digest: Digest; actual?: Digest; error?: string }>;
  /** Refs whose target blob is not stored. */
  danglingRefs: Array<{ name: string; digest: Digest }>;
  /** Temp files whose owner process is gone, relative to the root; the next open removes them. */
  strayTempFiles: string[];
  /** Entries that do not belong to the layout, relative to the root. */
  unexpectedFiles: string[];
  /** Why refs.json could not be read, if it could not. */
  refsError?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Verify a store on disk: hash every blob file against its name, look up every ref's
 * target, and list temp files nobody owns and entries that do not belong. Read-only;
 * blobs staged (unflushed) by this or other processes are not counted as stored.
 */
export async function checkStore(store: FsStore, opts: { concurrency?: number } = {}): Promise<StoreCheckReport> {
  const { layout } = store;
  const report: StoreCheckReport = {
    ok: false,
    root: layout.root,
    blobs: 0,
    refs: 0,
    corruptBlobs: [],
    danglingRefs: [],
    strayTempFiles: [],
    unexpectedFiles: [],
  };

  for (const name of (await readdir(layout.root)).sort()) if (!LAYOUT_ENTRIES.has(name)) report.unexpectedFiles.push(name);
  for (const name of (await readdir(layout.blobsDir)).sort()) if (name !== 'sha256') report.unexpectedFiles.push(`blobs/${name}`);

  const names = (await readdir(layout.sha256Dir)).sort();
  const hexes = names.filter((n) => HEX64.test(n));
  for (const n of names) if (!HEX64.test(n)) report.unexpectedFiles.push(`blobs/sha256/${n}`);
  report.blobs = hexes.length;
  const stored = new Set(hexes);
  let next = 0;
  const worker = async () => {
    const buf = new Uint8Array(1 << 20);
    while (next < hexes.length) {
      const hex = hexes[next++]!;
      const digest = ('sha256:' + hex) as Digest;
      try {
        const actual = await hashFile(join(layout.sha256Dir, hex), buf);
        if (actual !== digest) report.corruptBlobs.push({ digest, actual });
      } catch (e) {
        report.corruptBlobs.push({ digest, error: (e as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  report.corruptBlobs.sort((a, b) => (a.digest < b.digest ? -1 : 1));

  try {
    const refs = await store.refs.list('');
    report.refs = refs.length;
    for (const [name, digest] of refs) if (!stored.has(digest.slice(7))) report.danglingRefs.push({ name, digest });
  } catch (e) {
    report.refsError = (e as Error).message;
  }

  const tmp = await scanTemp(layout.tmpDir);
  report.strayTempFiles = tmp.stale.map((n) => `tmp/${n}`);
  report.unexpectedFiles.push(...tmp.unknown.map((n) => `tmp/${n}`));

  report.ok =
    report.corruptBlobs.length === 0 &&
    report.danglingRefs.length === 0 &&
    report.strayTempFiles.length === 0 &&
    report.unexpectedFiles.length === 0 &&
    report.refsError === undefined;
  return report;
}

/** The report as lines for a terminal, problems first. */
export function describeCheck(r: StoreCheckReport): string[] {
  const lines: string[] = [];
  for (const b of r.corruptBlobs) {
    lines.push(b.actual ? `corrupt blob ${b.digest}: content hashes to ${b.actual}` : `unreadable blob ${b.digest}: ${b.error}`);
  }
  for (const d of r.danglingRefs) lines.push(`ref ${d.name} points to missing blob ${d.digest}`);
  if (r.refsError) lines.push(`refs unreadable: ${r.refsError}`);
  for (const f of r.strayTempFiles) lines.push(`stray temp file ${f} (owner process gone)`);
  for (const f of r.unexpectedFiles) lines.push(`unexpected file ${f}`);
  lines.push(`${r.root}: ${r.blobs} blobs, ${r.refs} refs: ${r.ok ? 'ok' : 'problems found'}`);
  return lines;
}

/** Hash a file through a caller-owned buffer: one open and a few reads, even for many small files. */
async function hashFile(path: string, buf: Uint8Array): Promise<Digest> {
  const fh = await open(path, 'r');
  try {
    const h = createHash('sha256');
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
    return ('sha256:' + h.digest('hex')) as Digest;
  } finally {
    await fh.close();
  }
}
