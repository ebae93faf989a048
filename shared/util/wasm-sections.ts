/**
 * Custom sections of a WebAssembly binary, read without compiling it (the catalog and
 * the process runtime need a few names from a module they may never run).
 * `WebAssembly.Module.customSections` needs a compiled module; this walks the section
 * headers instead, which costs microseconds.
 */
export function customSections(bytes: Uint8Array, name: string): Uint8Array[] {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return [];
  const out: Uint8Array[] = [];
  const dec = new TextDecoder();
  let p = 8;
  const leb = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (p >= bytes.length) throw new RangeError('truncated');
      const b = bytes[p++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
      shift += 7;
      if (shift > 35) throw new RangeError('bad LEB128');
    }
  };
  try {
    while (p < bytes.length) {
      const id = bytes[p++]!;
      const size = leb();
      const end = p + size;
      if (end > bytes.length) break;
      if (id === 0) {
        const len = leb();
        const n = dec.decode(bytes.subarray(p, p + len));
        p += len;
        if (n === name) out.push(bytes.subarray(p, end));
      }
      p = end;
    }
  } catch {
    // A malformed module has no readable sections; running it will say why.
  }
  return out;
}

/** A custom section holding names, one per line (as `layerbox.applets` does). */
export function sectionNames(bytes: Uint8Array, name: string): string[] {
  const dec = new TextDecoder();
  return customSections(bytes, name).flatMap((s) => dec.decode(s).split('\n')).map((x) => x.trim()).filter(Boolean);
}
