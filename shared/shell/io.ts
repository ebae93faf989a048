/** File descriptor tables and small stream helpers. */
import { fromBytes } from './bytes.ts';
import type { Reader, Writer } from './host.ts';

/** What a descriptor refers to. Several descriptors may share one stream (after n>&m). */
export interface Fd {
  reader: Reader | null;
  writer: Writer | null;
}

export type FdTable = Map<number, Fd>;

/** Stands in for a closed descriptor 0 when a process must be given one. */
export const closedReader: Reader = {
  read: async () => null,
  close: async () => {},
};

/** Reads a stream to its end, as a byte string. */
export async function readAll(reader: Reader): Promise<string> {
  const chunks: string[] = [];
  for (;;) {
    const b = await reader.read();
    if (b === null) break;
    chunks.push(fromBytes(b));
  }
  return chunks.join('');
}

export function pathJoin(dir: string, name: string): string {
  if (name.startsWith('/')) return name;
  if (dir.endsWith('/')) return dir + name;
  return dir + '/' + name;
}

/** Lexical normalization: removes '.', empty segments, and '..' with its parent. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}
