// Readable differences between two image dumps, one line per difference, grouped in the
// sections a test asserts separately. Timestamps are not in the dumps, so never compared.
import { isDeepStrictEqual } from 'node:util';
import type { DumpedEntry, ImageDump } from '../harness/image-dump.ts';

/** The parts of a dump that are compared; `formats` (how the archive was written) is not. */
export const SECTIONS = ['image', 'config', 'history', 'layers', 'rootfs'] as const;
export type Section = (typeof SECTIONS)[number];

export interface Sides {
  /** Label of the expected side, e.g. `docker`. */
  a: string;
  /** Label of the side under test, e.g. `layerbox`. */
  b: string;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Differences between two values at `path`: objects key by key, arrays of one length
 * item by item, anything else as a whole, so a long Env list names the item that differs.
 */
function diffValue(path: string, a: unknown, b: unknown, s: Sides): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValue(`${path}.${k}`, a[k], b[k], s));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((item, i) => diffValue(`${path}[${i}]`, item, b[i], s));
  }
  return [`${path}: ${s.a} ${show(a)} | ${s.b} ${show(b)}`];
}

function diffRecord(prefix: string, a: object, b: object, s: Sides): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
  return keys.flatMap((k) => diffValue(`${prefix}${k}`, ra[k], rb[k], s));
}

function diffImage(a: ImageDump, b: ImageDump, s: Sides): string[] {
  const pick = (d: ImageDump) => ({
    architecture: d.architecture,
    os: d.os,
    author: d.author,
    layerCount: d.layerCount,
  });
  return diffRecord('', pick(a), pick(b), s);
}

function diffHistory(a: ImageDump, b: ImageDump, s: Sides): string[] {
  const lines: string[] = [];
  if (a.history.length !== b.history.length) {
    lines.push(`history has ${a.history.length} entries in ${s.a}, ${b.history.length} in ${s.b}`);
  }
  for (let i = 0; i < Math.max(a.history.length, b.history.length); i++) {
    lines.push(...diffRecord(`history[${i}].`, a.history[i] ?? {}, b.history[i] ?? {}, s));
  }
  return lines;
}

function diffLayers(a: ImageDump, b: ImageDump, s: Sides): string[] {
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.layers.length, b.layers.length); i++) {
    const la = new Set(a.layers[i] ?? []);
    const lb = new Set(b.layers[i] ?? []);
    for (const e of la) if (!lb.has(e)) lines.push(`layer ${i}: only ${s.a} has ${e}`);
    for (const e of lb) if (!la.has(e)) lines.push(`layer ${i}: only ${s.b} has ${e}`);
  }
  return lines;
}

function diffRootfs(a: ImageDump, b: ImageDump, s: Sides): string[] {
  const byPath = (entries: DumpedEntry[]) => new Map(entries.map((e) => [e.path, e]));
  const ma = byPath(a.rootfs);
  const mb = byPath(b.rootfs);
  const lines: string[] = [];
  for (const path of [...new Set([...ma.keys(), ...mb.keys()])].sort()) {
    const ea = ma.get(path);
    const eb = mb.get(path);
    const rest = (e: DumpedEntry) => show({ ...e, path: undefined });
    if (!eb) lines.push(`${path}: only in ${s.a} ${rest(ea!)}`);
    else if (!ea) lines.push(`${path}: only in ${s.b} ${rest(eb)}`);
    else lines.push(...diffRecord(`${path} `, ea, eb, s));
  }
  return lines;
}

/** Differences between `a` (expected) and `b` per section; empty arrays when they agree. */
export function diffDumps(a: ImageDump, b: ImageDump, s: Sides): Record<Section, string[]> {
  return {
    image: diffImage(a, b, s),
    config: diffValue('config', a.config, b.config, s),
    history: diffHistory(a, b, s),
    layers: diffLayers(a, b, s),
    rootfs: diffRootfs(a, b, s),
  };
}

/**
 * A dump as stored in a case's docker.json: the compared sections only, one rootfs
 * entry, history entry and layer per line so that a changed Docker shows as a small diff.
 */
export function formatDump(d: ImageDump): string {
  const one = (v: unknown) => JSON.stringify(v);
  const list = (items: unknown[]) => (items.length === 0 ? '[]' : `[\n    ${items.map(one).join(',\n    ')}\n  ]`);
  const head: Record<string, unknown> = { architecture: d.architecture, os: d.os };
  if (d.author !== undefined) head.author = d.author;
  const fields = [
    ...Object.entries(head).map(([k, v]) => `  ${one(k)}: ${one(v)}`),
    `  "config": ${JSON.stringify(d.config, null, 2).replace(/\n/g, '\n  ')}`,
    `  "history": ${list(d.history)}`,
    `  "layerCount": ${d.layerCount}`,
    `  "layers": ${list(d.layers)}`,
    `  "rootfs": ${list(d.rootfs)}`,
  ];
  return `{\n${fields.join(',\n')}\n}\n`;
}
