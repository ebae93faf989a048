/**
 * Tar skeletons: every byte of an archive except its regular files' contents, which
 * are named by digest, so that the archive can be re-created byte for byte from the
 * skeleton and a content store (the idea of tar-split). A layer keeps its skeleton
 * next to its tree; export joins them, and the diff_id comes out unchanged.
 *
 * Skeleton format, version 1. Integers are unsigned LEB128 varints of at most 8
 * bytes and at most 2^53 - 1.
 *
 *   magic    8 bytes  "LBTARSKL"
 *   version  1 byte   0x01
 *   records, each a tag byte and its fields, in archive order:
 *     0x01 BYTES  n > 0, then n bytes         verbatim archive bytes
 *     0x02 ZEROS  n > 0                       n zero bytes
 *     0x03 FILE   size > 0, 32-byte SHA-256   a regular file's content
 *     0x04 BLOCK  k (one byte, 0..4), runs    512 archive bytes: X when k = 0, else X
 *                                             XOR the k-th most recent BLOCK output;
 *                                             X is written as runs (z, n, n bytes):
 *                                             z zero bytes then n literal bytes,
 *                                             repeated until 512 bytes are covered
 *     0x00 END    total, 32-byte SHA-256      the archive's length, and the SHA-256
 *                                             of every skeleton byte before this tag
 *   nothing after END.
 *
 * How the recorder encodes (the decoder accepts any valid mix): each 512-byte-aligned
 * block of non-file bytes that is not all zero becomes a BLOCK against whichever of
 * the last four blocks (or none) it differs from in the fewest 32-bit words, so
 * consecutive headers cost tens of bytes; the rest (padding, zero blocks, unaligned bytes) becomes
 * BYTES and ZEROS, with zero runs of 16 or more as ZEROS. The encoding depends only on
 * the archive, not on how its bytes arrived, so one archive has one skeleton.
 */
import { digestHex, fromHex, type Digest } from '../digest/digest.ts';
import { sha256 } from '../digest/hasher.ts';
import { DataLossError, DigestMismatchError, FailedPreconditionError, InvalidArgumentError } from '../errors.ts';
import { host, type ByteStream } from '../host.ts';
import type { TarEntry } from './entry.ts';
import { Gather } from './gather.ts';
import { readTar, type ReadTarOptions, type TarSink } from './reader.ts';
import { copy } from './source.ts';

const MAGIC = [0x4c, 0x42, 0x54, 0x41, 0x52, 0x53, 0x4b, 0x4c]; // "LBTARSKL"
const VERSION = 1;
const TAG_END = 0x00;
const TAG_BYTES = 0x01;
const TAG_ZEROS = 0x02;
const TAG_FILE = 0x03;
const TAG_BLOCK = 0x04;
const BLOCK = 512;
const HISTORY = 4;
/** Inside a BLOCK, zero runs shorter than this stay in the literal run. */
const MIN_BLOCK_ZERO_RUN = 3;
const MIN_ZERO_RUN = 16;

/** A regular file's content referenced by a skeleton. */
export interface SkeletonFile {
  digest: Digest;
  size: number;
}

/**
 * Builds a skeleton while an archive is read: pass it as the reader's `sink`, read
 * the entries (bodies may be consumed or skipped), then take `skeleton()`.
 *
 *   const rec = new SkeletonRecorder();
 *   for await (const e of readTar(src, { sink: rec })) { ...store e and e.body()... }
 *   const skeleton = rec.skeleton();
 */
export class SkeletonRecorder implements TarSink {
  private out = new ByteWriter();
  private literal: Uint8Array[] = [];
  private zeros = 0;
  private total = 0;
  /** The aligned block being gathered, and how much of it has arrived. */
  private block = new Uint8Array(BLOCK);
  private blockFill = 0;
  /** The most recent BLOCK outputs as 32-bit words, newest first: what BLOCK records refer to. */
  private history: Uint32Array[] = [];
  private ended = false;
  private result: Uint8Array | undefined;
  private readonly _files: SkeletonFile[] = [];

  constructor() {
    this.out.bytes(MAGIC);
    this.out.byte(VERSION);
  }

  /** Files referenced so far, in archive order (a file may appear more than once). */
  get files(): readonly SkeletonFile[] {
    return this._files;
  }

  bytes(b: Uint8Array): void {
    this.open();
    let i = 0;
    while (i < b.length) {
      if (this.blockFill > 0 || this.total % BLOCK === 0) {
        // Inside an aligned block: gather it whole, then encode it as a BLOCK.
        const n = Math.min(BLOCK - this.blockFill, b.length - i);
        this.block.set(b.subarray(i, i + n), this.blockFill);
        this.blockFill += n;
        this.total += n;
        i += n;
        if (this.blockFill === BLOCK) this.endBlock();
      } else {
        const n = Math.min(BLOCK - (this.total % BLOCK), b.length - i);
        this.plain(b.subarray(i, i + n));
        this.total += n;
        i += n;
      }
    }
  }

  file(digest: Digest, size: number): void {
    this.open();
    this.flushBlock();
    this.flush();
    this.total += size;
    this.out.byte(TAG_FILE);
    this.out.varint(size);
    this.out.bytes(hexToBytes(digestHex(digest)));
    this._files.push({ digest, size });
  }

  end(total: number): void {
    this.open();
    this.flushBlock();
    this.flush();
    if (total !== this.total) {
      throw new FailedPreconditionError(`tar skeleton: archive is ${total} bytes but ${this.total} were recorded`);
    }
    const check = hexToBytes(digestHex(sha256(this.out.view())));
    this.out.byte(TAG_END);
    this.out.varint(total);
    this.out.bytes(check);
    this.ended = true;
    this.result = copy(this.out.view());
  }

  /** The encoded skeleton; throws FailedPreconditionError until the archive has been read to its end. */
  skeleton(): Uint8Array {
    if (!this.result) throw new FailedPreconditionError('tar skeleton: the archive has not been read to its end');
    return this.result;
  }

  /** Verbatim bytes outside aligned blocks: zero runs and literals. */
  private plain(b: Uint8Array): void {
    let i = 0;
    while (i < b.length) {
      if (b[i] === 0) {
        let j = i + 1;
        while (j < b.length && b[j] === 0) j++;
        this.zeros += j - i;
        i = j;
      } else {
        let j = b.indexOf(0, i);
        if (j < 0) j = b.length;
        this.settleZeros();
        this.literal.push(copy(b, i, j));
        i = j;
      }
    }
  }

  /** A whole aligned block has arrived. */
  private endBlock(): void {
    const block = this.block;
    this.blockFill = 0;
    let zero = true;
    for (let i = 0; i < BLOCK; i++) {
      if (block[i] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      this.zeros += BLOCK;
      return;
    }
    // Pick the reference that leaves the fewest differing 32-bit words (ties: the lowest k).
    const words = new Uint32Array(block.buffer, block.byteOffset, BLOCK / 4);
    let best = 0;
    let bestCost = differing(words, undefined, BLOCK / 4);
    for (let k = 1; k <= this.history.length; k++) {
      const cost = differing(words, this.history[k - 1]!, bestCost);
      if (cost < bestCost) {
        best = k;
        bestCost = cost;
      }
    }
    const x = new Uint8Array(BLOCK);
    if (best) {
      const ref = this.history[best - 1]!;
      const x32 = new Uint32Array(x.buffer);
      for (let i = 0; i < BLOCK / 4; i++) x32[i] = words[i]! ^ ref[i]!;
    } else {
      x.set(block);
    }
    this.flush();
    this.out.byte(TAG_BLOCK);
    this.out.byte(best);
    writeRuns(this.out, x);
    this.history.unshift(new Uint32Array(words));
    if (this.history.length > HISTORY) this.history.pop();
  }

  /** A partial aligned block cut short by a file or the end: write it as plain bytes. */
  private flushBlock(): void {
    if (!this.blockFill) return;
    const part = copy(this.block, 0, this.blockFill);
    this.blockFill = 0;
    this.plain(part);
  }

  private open(): void {
    if (this.ended) throw new FailedPreconditionError('tar skeleton: recorder already ended');
  }

  /** A nonzero byte follows the pending zeros: keep short runs inside the literal. */
  private settleZeros(): void {
    if (!this.zeros) return;
    if (this.zeros < MIN_ZERO_RUN && this.literal.length) {
      this.literal.push(new Uint8Array(this.zeros));
    } else {
      this.flushLiteral();
      this.out.byte(TAG_ZEROS);
      this.out.varint(this.zeros);
    }
    this.zeros = 0;
  }

  private flush(): void {
    if (this.zeros && this.zeros < MIN_ZERO_RUN && this.literal.length) {
      this.literal.push(new Uint8Array(this.zeros));
      this.zeros = 0;
    }
    this.flushLiteral();
    if (this.zeros) {
      this.out.byte(TAG_ZEROS);
      this.out.varint(this.zeros);
      this.zeros = 0;
    }
  }

  private flushLiteral(): void {
    if (!this.literal.length) return;
    let n = 0;
    for (const p of this.literal) n += p.length;
    this.out.byte(TAG_BYTES);
    this.out.varint(n);
    for (const p of this.literal) this.out.bytes(p);
    this.literal = [];
  }
}

/**
 * Read a whole archive, recording its skeleton; `onEntry` sees every entry and may
 * consume its body. Returns the skeleton.
 */
export async function splitTar(
  src: ByteStream,
  onEntry?: (e: TarEntry) => void | Promise<void>,
  opts: Omit<ReadTarOptions, 'sink'> = {},
): Promise<Uint8Array> {
  const rec = new SkeletonRecorder();
  for await (const e of readTar(src, { ...opts, sink: rec })) {
    if (onEntry) await onEntry(e);
  }
  return rec.skeleton();
}

type Op = { tag: typeof TAG_BYTES; bytes: Uint8Array } | { tag: typeof TAG_ZEROS; n: number } | { tag: typeof TAG_FILE; file: SkeletonFile };

interface Decoded {
  ops: Op[];
  total: number;
}

/** Parse and check a skeleton; DataLossError when it is truncated, corrupt or not a skeleton. */
function decode(s: Uint8Array): Decoded {
  const bad = (why: string): never => {
    throw new DataLossError(`tar skeleton: ${why}`);
  };
  if (!(s instanceof Uint8Array)) throw new InvalidArgumentError('tar skeleton: not bytes');
  if (s.length < MAGIC.length + 1 || MAGIC.some((m, i) => s[i] !== m)) bad('not a skeleton (bad magic)');
  if (s[MAGIC.length] !== VERSION) bad(`unsupported version ${s[MAGIC.length]}`);
  let pos = MAGIC.length + 1;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= s.length) bad(`truncated at byte ${pos}`);
      const b = s[pos++]!;
      v += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) {
        if (v > Number.MAX_SAFE_INTEGER) bad(`number beyond 2^53 at byte ${pos}`);
        return v;
      }
    }
    return bad(`varint longer than 8 bytes at byte ${pos}`);
  };
  const take = (n: number): Uint8Array => {
    if (n > s.length - pos) bad(`truncated at byte ${pos}`);
    const out = s.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const ops: Op[] = [];
  const history: Uint8Array[] = [];
  let sum = 0;
  for (;;) {
    if (pos >= s.length) bad(`truncated at byte ${pos} (no end record)`);
    const at = pos;
    const tag = s[pos++];
    if (tag === TAG_BYTES) {
      const n = varint();
      if (n === 0) bad(`empty bytes record at byte ${at}`);
      ops.push({ tag, bytes: take(n) });
      sum += n;
    } else if (tag === TAG_ZEROS) {
      const n = varint();
      if (n === 0) bad(`empty zeros record at byte ${at}`);
      ops.push({ tag, n });
      sum += n;
    } else if (tag === TAG_FILE) {
      const size = varint();
      if (size === 0) bad(`empty file record at byte ${at}`);
      ops.push({ tag, file: { digest: fromHex(bytesToHex(take(32))), size } });
      sum += size;
    } else if (tag === TAG_BLOCK) {
      if (pos >= s.length) bad(`truncated at byte ${pos}`);
      const k = s[pos++]!;
      if (k > history.length) bad(`block record at byte ${at} refers to block ${k} of ${history.length}`);
      const block = new Uint8Array(BLOCK);
      let filled = 0;
      while (filled < BLOCK) {
        const z = varint();
        const n = varint();
        if (z + n === 0) bad(`empty run in block record at byte ${at}`);
        filled += z;
        if (filled + n > BLOCK) bad(`block record at byte ${at} overruns 512 bytes`);
        block.set(take(n), filled);
        filled += n;
      }
      if (filled !== BLOCK) bad(`block record at byte ${at} overruns 512 bytes`);
      if (k) {
        const ref = history[k - 1]!;
        for (let i = 0; i < BLOCK; i++) block[i]! ^= ref[i]!;
      }
      history.unshift(block);
      if (history.length > HISTORY) history.pop();
      ops.push({ tag: TAG_BYTES, bytes: block });
      sum += BLOCK;
    } else if (tag === TAG_END) {
      const total = varint();
      const check = take(32);
      if (pos !== s.length) bad(`${s.length - pos} bytes after the end record`);
      if (total !== sum) bad(`records add up to ${sum} bytes, end record says ${total}`);
      if (bytesToHex(check) !== digestHex(sha256(s.subarray(0, at)))) bad('checksum mismatch (corrupt skeleton)');
      return { ops, total };
    } else {
      bad(`unknown record tag 0x${tag!.toString(16).padStart(2, '0')} at byte ${at}`);
    }
    if (sum > Number.MAX_SAFE_INTEGER) bad('archive length beyond 2^53');
  }
}

/** The file contents a skeleton refers to, in archive order. Checks the skeleton. */
export function skeletonFiles(skeleton: Uint8Array): SkeletonFile[] {
  const out: SkeletonFile[] = [];
  for (const op of decode(skeleton).ops) if (op.tag === TAG_FILE) out.push(op.file);
  return out;
}

/** The length in bytes of the archive a skeleton re-creates. Checks the skeleton. */
export function skeletonSize(skeleton: Uint8Array): number {
  return decode(skeleton).total;
}

export interface JoinTarOptions {
  /** Hash each file's content and fail with DigestMismatchError if it is not what the skeleton names. Default false (sizes are always checked). */
  verify?: boolean;
}

/**
 * Re-create an archive from its skeleton, opening each file's content by digest as
 * it is reached. The skeleton is checked in full before the first byte is produced.
 * A content stream with the wrong length fails with DataLossError.
 */
export async function* joinTar(
  skeleton: Uint8Array,
  open: (digest: Digest, size: number) => ByteStream | Promise<ByteStream>,
  opts: JoinTarOptions = {},
): ByteStream {
  const { ops } = decode(skeleton);
  const out = new Gather();
  for (const op of ops) {
    if (op.tag === TAG_BYTES) {
      out.put(op.bytes);
    } else if (op.tag === TAG_ZEROS) {
      out.zeros(op.n);
    } else {
      const { digest, size } = op.file;
      const h = opts.verify ? host().sha256() : undefined;
      let got = 0;
      for await (const chunk of await open(digest, size)) {
        if (!(chunk instanceof Uint8Array)) throw new InvalidArgumentError(`tar join: content ${digest} yielded a chunk that is not a Uint8Array`);
        got += chunk.length;
        if (got > size) throw new DataLossError(`tar join: content ${digest} is longer than ${size} bytes`);
        h?.update(chunk);
        out.put(chunk);
        yield* out.drain();
      }
      if (got !== size) throw new DataLossError(`tar join: content ${digest} has ${got} bytes, skeleton says ${size}`);
      if (h) {
        const actual = h.digest();
        if (actual !== digest) throw new DigestMismatchError('tar join: file content', digest, actual);
      }
    }
    yield* out.drain();
  }
  out.flush();
  yield* out.drain();
}

/** A growable byte buffer. */
class ByteWriter {
  private buf = new Uint8Array(4096);
  private n = 0;

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.n++] = b;
  }

  bytes(b: ArrayLike<number>): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  varint(v: number): void {
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) b |= 0x80;
      this.byte(b);
    } while (v > 0);
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/**
 * 32-bit words of `block` that differ from `ref` (or are nonzero, without one),
 * counting no further than `limit`. A cheap, deterministic proxy for the encoded size.
 */
function differing(block: Uint32Array, ref: Uint32Array | undefined, limit: number): number {
  let n = 0;
  const words = block.length;
  if (ref) {
    for (let i = 0; i < words && n < limit; i++) if (block[i] !== ref[i]) n++;
  } else {
    for (let i = 0; i < words; i++) if (block[i] !== 0) n++;
  }
  return n;
}

/** A 512-byte block as runs of (zero count, literal count, literal bytes). */
function writeRuns(out: ByteWriter, x: Uint8Array): void {
  let i = 0;
  while (i < BLOCK) {
    let z = i;
    while (z < BLOCK && x[z] === 0) z++;
    // Literal: up to the next zero run of MIN_BLOCK_ZERO_RUN or more (or the end).
    let j = z;
    while (j < BLOCK) {
      if (x[j] !== 0) {
        j++;
        continue;
      }
      let e = j;
      while (e < BLOCK && x[e] === 0) e++;
      if (e - j >= MIN_BLOCK_ZERO_RUN || e === BLOCK) break;
      j = e;
    }
    out.varint(z - i);
    out.varint(j - z);
    out.bytes(x.subarray(z, j));
    i = j;
  }
}

function hexToBytes(hex: string): Uint8Array {
  const nibble = (c: number) => (c <= 0x39 ? c - 0x30 : c - 0x57); // '0'-'9', 'a'-'f'
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}
