/**
 * Just enough of the WebAssembly binary format (core spec §5) to read and cap a module's
 * memory limits: `-m` works by lowering the maximum of the memory a module defines, so
 * memory.grow past the limit fails inside the program (malloc returns NULL) instead of
 * taking memory from the host. Written here because it is a few dozen lines over the
 * section layout, where a full wasm toolkit package would be megabytes.
 */
import { InvalidArgumentError } from '../errors.ts';

export const WASM_PAGE = 65536;
const MEMORY_SECTION = 5;

export interface MemoryLimits {
  /** Pages. */
  min: number;
  max: number | null;
}

function readU32(b: Uint8Array, at: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (let i = at; i < b.length && shift < 35; i++, shift += 7) {
    const byte = b[i]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, i + 1];
  }
  throw new InvalidArgumentError('wasm: malformed LEB128 number');
}

function writeU32(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

interface Section {
  id: number;
  /** Offset of the id byte. */
  start: number;
  contentStart: number;
  end: number;
}

function sections(b: Uint8Array): Section[] {
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) {
    throw new InvalidArgumentError('wasm: not a WebAssembly module');
  }
  const out: Section[] = [];
  let at = 8;
  while (at < b.length) {
    const id = b[at]!;
    const [size, contentStart] = readU32(b, at + 1);
    const end = contentStart + size;
    if (end > b.length) throw new InvalidArgumentError('wasm: section runs past the end of the module');
    out.push({ id, start: at, contentStart, end });
    at = end;
  }
  return out;
}

/** The limits of the memory the module defines itself, or null if it defines none. */
export function definedMemory(b: Uint8Array): MemoryLimits | null {
  const s = sections(b).find((x) => x.id === MEMORY_SECTION);
  if (!s) return null;
  const [count, at] = readU32(b, s.contentStart);
  if (count === 0) return null;
  const flags = b[at]!;
  if (flags & 0x04) throw new InvalidArgumentError('wasm: 64-bit memories are not supported');
  const [min, next] = readU32(b, at + 1);
  const max = flags & 0x01 ? readU32(b, next)[0] : null;
  return { min, max };
}

/**
 * The module with its defined memory's maximum lowered to `maxPages` (kept if it is lower
 * already). Returns null when the module needs more than that to start, and the module
 * unchanged when it defines no memory.
 */
export function capMemory(b: Uint8Array, maxPages: number): Uint8Array | null {
  const s = sections(b).find((x) => x.id === MEMORY_SECTION);
  if (!s) return b;
  const [count, first] = readU32(b, s.contentStart);
  if (count === 0) return b;
  const flags = b[first]!;
  if (flags & 0x04) throw new InvalidArgumentError('wasm: 64-bit memories are not supported');
  const [min, afterMin] = readU32(b, first + 1);
  let restAt = afterMin;
  let max: number | null = null;
  if (flags & 0x01) [max, restAt] = readU32(b, afterMin);
  if (min > maxPages) return null;
  if (max !== null && max <= maxPages) return b;
  const content = [
    ...writeU32(count), flags | 0x01, ...writeU32(min), ...writeU32(maxPages),
    ...b.subarray(restAt, s.end),
  ];
  const header = [MEMORY_SECTION, ...writeU32(content.length)];
  const out = new Uint8Array(s.start + header.length + content.length + (b.length - s.end));
  out.set(b.subarray(0, s.start), 0);
  out.set(header, s.start);
  out.set(content, s.start + header.length);
  out.set(b.subarray(s.end), s.start + header.length + content.length);
  return out;
}

const CUSTOM_SECTION = 0;

/**
 * Names listed one per line in a custom section (`layerbox.applets`), read without
 * compiling the module. A module that is not well-formed lists none: running it is what
 * reports why.
 */
export function sectionNames(b: Uint8Array, name: string): string[] {
  let list: Section[];
  try {
    list = sections(b);
  } catch {
    return [];
  }
  const dec = new TextDecoder();
  const out: string[] = [];
  for (const s of list) {
    if (s.id !== CUSTOM_SECTION) continue;
    const [len, at] = readU32(b, s.contentStart);
    if (dec.decode(b.subarray(at, at + len)) !== name) continue;
    out.push(...dec.decode(b.subarray(at + len, s.end)).split('\n').map((x) => x.trim()).filter(Boolean));
  }
  return out;
}
