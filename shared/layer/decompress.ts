import { host, type ByteStream } from '../host.ts';
import { peek } from '../util/bytes.ts';
import { InvalidArgumentError, ResourceExhaustedError } from '../errors.ts';
import type { Limits } from '../engine/engine.ts';

export type Compression = 'gzip' | 'none';

/** Peek at the first bytes of a stream to tell its compression, without losing them. */
export async function sniff(src: ByteStream, what: string): Promise<{ compression: Compression; stream: ByteStream }> {
  const { head, stream } = await peek(src, 6);
  let compression: Compression = 'none';
  if (head[0] === 0x1f && head[1] === 0x8b) compression = 'gzip';
  else if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
    throw new InvalidArgumentError(`${what}: zstd-compressed layers are not supported (recompress with gzip)`);
  } else if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) {
    throw new InvalidArgumentError(`${what}: bzip2-compressed data is not supported (use gzip or plain tar)`);
  } else if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) {
    throw new InvalidArgumentError(`${what}: xz-compressed data is not supported (use gzip or plain tar)`);
  }
  return { compression, stream };
}


/**
 * Decompress when the stream is gzip, pass it through otherwise, and stop a
 * decompression bomb: more than `maxUncompressed` bytes out, or a ratio of output to
 * input above `maxRatio` once past `ratioGrace` bytes. A corrupt or truncated gzip
 * stream fails with a clear error naming `what`.
 */
export async function openMaybeGzip(src: ByteStream, limits: Limits, what: string): Promise<ByteStream> {
  const { compression, stream } = await sniff(src, what);
  let compressed = 0;
  const counted = (async function* () {
    for await (const c of stream) {
      compressed += c.length;
      yield c;
    }
  })();
  const inflated = compression === 'gzip' ? host().gunzip()(counted) : counted;
  return (async function* () {
    let out = 0;
    try {
      for await (const c of inflated) {
        out += c.length;
        if (out > limits.maxUncompressed) {
          throw new ResourceExhaustedError(`${what}: more than ${limits.maxUncompressed} bytes uncompressed (limit; raise it with LAYERBOX_MAX_UNCOMPRESSED)`);
        }
        if (compression === 'gzip' && out > limits.ratioGrace && out > compressed * limits.maxRatio) {
          throw new ResourceExhaustedError(`${what}: compression ratio above ${limits.maxRatio}:1 — refusing a likely decompression bomb`);
        }
        yield c;
      }
    } catch (e) {
      if (e instanceof ResourceExhaustedError) throw e;
      if (e instanceof Error && !(e as { kind?: string }).kind) {
        throw new InvalidArgumentError(`${what}: corrupt or truncated gzip data (${e.message})`, { cause: e });
      }
      throw e;
    }
  })();
}
