import type { Digest } from '../digest/digest.ts';
import { isDigest } from '../digest/digest.ts';
import { DataLossError } from '../errors.ts';
import type { Node } from './node.ts';

/**
 * A directory blob: its children sorted by name (UTF-16 code unit order, the same on
 * every host), each with its node. Encoded as canonical JSON:
 *   {"v":1,"entries":[["name",{...node}],...]}
 * with each node's keys in a fixed order, so equal directories have equal digests.
 * This encoding is part of every tree digest: change it only with a new `v`.
 */
export type Entries = ReadonlyArray<readonly [string, Node]>;

const KEY_ORDER = [
  'type', 'mode', 'uid', 'gid', 'mtime', 'size', 'digest', 'tree', 'target',
  'major', 'minor', 'opaque', 'implicit', 'link', 'xattrs',
] as const;

export function canonicalNode(n: Node): Node {
  const src = n as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of KEY_ORDER) {
    const v = src[k];
    if (v === undefined) continue;
    if (k === 'xattrs') {
      const x = v as Record<string, string>;
      const keys = Object.keys(x).sort();
      if (keys.length === 0) continue;
      const sorted: Record<string, string> = {};
      for (const key of keys) sorted[key] = x[key]!;
      out[k] = sorted;
    } else out[k] = v;
  }
  return out as unknown as Node;
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function encodeDirectory(entries: Entries): Uint8Array {
  const sorted = [...entries].sort((x, y) => compareNames(x[0], y[0]));
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const [name, node] = sorted[i]!;
    if (i > 0 && sorted[i - 1]![0] === name) throw new DataLossError(`directory has duplicate entry ${JSON.stringify(name)}`);
    parts.push(JSON.stringify([name, canonicalNode(node)]));
  }
  return new TextEncoder().encode(`{"v":1,"entries":[${parts.join(',')}]}`);
}

const VALID_TYPES = new Set(['file', 'dir', 'symlink', 'char', 'block', 'fifo', 'hardlink', 'whiteout']);

/** Decode and sanity-check a directory blob (the digest was verified by the store). */
export function decodeDirectory(bytes: Uint8Array, where: Digest | string): Entries {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new DataLossError(`directory ${where}: not valid JSON`, { cause: e });
  }
  const p = parsed as { v?: unknown; entries?: unknown };
  if (!p || p.v !== 1 || !Array.isArray(p.entries)) throw new DataLossError(`directory ${where}: not a layerbox directory`);
  for (const e of p.entries as unknown[]) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'object' || e[1] === null) {
      throw new DataLossError(`directory ${where}: malformed entry`);
    }
    const n = e[1] as { type?: unknown; digest?: unknown; tree?: unknown };
    if (!VALID_TYPES.has(n.type as string)) throw new DataLossError(`directory ${where}: entry ${e[0]} has unknown type`);
    if (n.type === 'file' && !isDigest(n.digest)) throw new DataLossError(`directory ${where}: file ${e[0]} without digest`);
    if (n.type === 'dir' && !isDigest(n.tree)) throw new DataLossError(`directory ${where}: dir ${e[0]} without tree`);
  }
  return p.entries as Entries;
}
