import { InvalidArgumentError } from '../errors.ts';

/**
 * Framing for a container's streams over one byte connection (a local socket now, a
 * WebSocket later): each frame is a channel byte, a 32-bit big-endian length and the
 * payload. Control messages are JSON on channel 0; stdio bytes travel on their own
 * channels, so a reader never has to guess where output ends and a message begins
 * (Docker's attach stream does the same with an 8-byte header).
 */
export const CHANNEL = { control: 0, stdin: 1, stdout: 2, stderr: 3 } as const;
export type Channel = (typeof CHANNEL)[keyof typeof CHANNEL];

export interface Frame {
  channel: Channel;
  payload: Uint8Array;
}

const HEADER = 5;
/** Larger frames are refused: a peer that sends one is broken or hostile. */
export const MAX_FRAME = 16 * 1024 * 1024;

export function encodeFrame(channel: Channel, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  out[0] = channel;
  new DataView(out.buffer).setUint32(1, payload.length);
  out.set(payload, HEADER);
  return out;
}

export function encodeControl(message: unknown): Uint8Array {
  return encodeFrame(CHANNEL.control, new TextEncoder().encode(JSON.stringify(message)));
}

export function decodeControl(payload: Uint8Array): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new InvalidArgumentError('control message is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidArgumentError('control message is not a JSON object');
  return v as Record<string, unknown>;
}

/** Splits a byte stream into frames, whatever the chunking. */
export class FrameDecoder {
  private buf = new Uint8Array(0);

  push(chunk: Uint8Array): Frame[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const frames: Frame[] = [];
    let p = 0;
    while (joined.length - p >= HEADER) {
      const channel = joined[p]!;
      if (channel > CHANNEL.stderr) throw new InvalidArgumentError(`frame on unknown channel ${channel}`);
      const len = new DataView(joined.buffer, joined.byteOffset + p + 1, 4).getUint32(0);
      if (len > MAX_FRAME) throw new InvalidArgumentError(`frame of ${len} bytes is larger than the limit of ${MAX_FRAME}`);
      if (joined.length - p - HEADER < len) break;
      frames.push({ channel: channel as Channel, payload: joined.slice(p + HEADER, p + HEADER + len) });
      p += HEADER + len;
    }
    this.buf = joined.slice(p);
    return frames;
  }

  /** `push`, or undefined when the stream is malformed (its peer is broken or hostile: drop it). */
  tryPush(chunk: Uint8Array): Frame[] | undefined {
    try {
      return this.push(chunk);
    } catch {
      return undefined;
    }
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pending(): number {
    return this.buf.length;
  }
}
