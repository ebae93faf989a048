import { describe, expect, it } from 'vitest';
import { installNodeHost, nodeHost } from '../../../backend/host.ts';
import { host, type ByteStream } from '../../../shared/host.ts';
import { bytesOf } from '../../suites/store.suite.ts';

// Taken before installing, so this is the portable (noble + fflate) host.
const portable = host();

async function* chunked(b: Uint8Array, size: number): ByteStream {
  for (let o = 0; o < b.length; o += size) yield b.subarray(o, o + size);
}

async function collect(s: ByteStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of s) parts.push(c.slice());
  return Buffer.concat(parts);
}

const hashWith = (h: typeof portable, b: Uint8Array, chunk: number) => {
  const x = h.sha256();
  for (let o = 0; o < b.length; o += chunk) x.update(b.subarray(o, o + chunk));
  return x.digest();
};

// Text compresses, random bytes do not: both paths through the codecs.
const inputs: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['one byte', new Uint8Array([7])],
  ['text', new TextEncoder().encode('layer '.repeat(200_000))],
  ['random', bytesOf(9, 700_000)],
];

describe('node host', () => {
  it.each(inputs)('sha256 of %s matches the portable hasher', (_, b) => {
    expect(hashWith(nodeHost, b, 65_536)).toBe(hashWith(portable, b, 1000));
    expect(hashWith(nodeHost, b, 65_536)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each(inputs)('gzip of %s by node:zlib is read by the portable gunzip', async (_, b) => {
    const gz = await collect(nodeHost.gzip()(chunked(b, 10_000)));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(Buffer.compare(await collect(portable.gunzip()(chunked(gz, 777))), b)).toBe(0);
  });

  it.each(inputs)('gzip of %s by the portable gzip is read by node:zlib', async (_, b) => {
    const gz = await collect(portable.gzip()(chunked(b, 10_000)));
    expect(Buffer.compare(await collect(nodeHost.gunzip()(chunked(gz, 777))), b)).toBe(0);
  });

  it('honours the compression level', async () => {
    const b = inputs[2]![1];
    const fast = await collect(nodeHost.gzip(1)(chunked(b, 65_536)));
    const best = await collect(nodeHost.gzip(9)(chunked(b, 65_536)));
    expect(best.length).toBeLessThan(fast.length);
    expect(Buffer.compare(await collect(nodeHost.gunzip()(chunked(fast, 4096))), b)).toBe(0);
  });

  it('yields plain Uint8Arrays, not Buffers', async () => {
    const gz = await collect(nodeHost.gzip()(chunked(bytesOf(1, 1000), 100)));
    for await (const c of nodeHost.gunzip()(chunked(gz, 100))) expect(Object.getPrototypeOf(c)).toBe(Uint8Array.prototype);
    expect(Object.getPrototypeOf(nodeHost.randomBytes(16))).toBe(Uint8Array.prototype);
    expect(nodeHost.randomBytes(16).length).toBe(16);
  });

  it('rejects corrupt gzip input', async () => {
    const gz = await collect(nodeHost.gzip()(chunked(bytesOf(2, 5000), 1000)));
    gz[gz.length - 5] ^= 0xff; // the stored CRC-32 / length trailer
    await expect(collect(nodeHost.gunzip()(chunked(gz, 1000)))).rejects.toThrow();
    await expect(collect(nodeHost.gunzip()(chunked(new TextEncoder().encode('not gzip'), 4)))).rejects.toThrow();
  });

  it('passes a failing source on to the reader', async () => {
    async function* failing(): ByteStream {
      yield bytesOf(3, 100);
      throw new Error('source broke');
    }
    await expect(collect(nodeHost.gzip()(failing()))).rejects.toThrow('source broke');
  });

  it('a reader that stops early ends the source', async () => {
    let ended!: () => void;
    const sourceEnded = new Promise<void>((r) => (ended = r));
    async function* endless(): ByteStream {
      try {
        for (let i = 0; ; i++) yield bytesOf(i, 65_536);
      } finally {
        ended();
      }
    }
    for await (const _ of nodeHost.gzip(1)(endless())) break;
    // Resolves only if the source's finally ran; otherwise the test times out.
    await sourceEnded;
  });

  it('installNodeHost puts the node functions into the core', () => {
    installNodeHost();
    expect(host().sha256).toBe(nodeHost.sha256);
    expect(host().gzip).toBe(nodeHost.gzip);
    expect(host().gunzip).toBe(nodeHost.gunzip);
    expect(host().randomBytes).toBe(nodeHost.randomBytes);
    expect(host().now).toBe(nodeHost.now);
  });
});
