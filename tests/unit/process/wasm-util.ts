/** Append a custom section to a module (custom sections may go anywhere after the header). */
export function withCustomSection(module: Uint8Array, name: string, payload: string): Uint8Array {
  const leb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const nameBytes = [...new TextEncoder().encode(name)];
  const body = [...leb(nameBytes.length), ...nameBytes, ...new TextEncoder().encode(payload)];
  return new Uint8Array([...module, 0, ...leb(body.length), ...body]);
}
