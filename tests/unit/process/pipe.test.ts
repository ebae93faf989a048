// Pipe semantics: order, capacity back-pressure, end of stream after the last writer,
// EPIPE after the last reader, reference counting; and the shared buffered reader.
import { describe, expect, it } from 'vitest';
import { BrokenPipeError, buffered, pipe } from '../../../shared/process/index.ts';

const b = (s: string) => new TextEncoder().encode(s);
const t = (u: Uint8Array | null) => (u === null ? null : new TextDecoder().decode(u));

describe('pipe', () => {
  it('delivers chunks in order and ends after the last writer closes', async () => {
    const p = pipe();
    p.writer.retain();
    await p.writer.write(b('a'));
    await p.writer.write(b('b'));
    p.writer.close();
    expect(t(await p.reader.read())).toBe('a');
    expect(t(await p.reader.read())).toBe('b');
    // One writer reference is still open: a read waits, then sees the next write.
    const pending = p.reader.read();
    await p.writer.write(b('c'));
    expect(t(await pending)).toBe('c');
    p.writer.close();
    expect(await p.reader.read()).toBeNull();
  });

  it('makes a writer wait while the buffer is over capacity', async () => {
    const p = pipe(4);
    let done = false;
    const w = p.writer.write(b('123456')).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    expect(t(await p.reader.read())).toBe('123456');
    await w;
    expect(done).toBe(true);
  });

  it('fails writers with EPIPE once every reader is gone, including a waiting one', async () => {
    const p = pipe(2);
    const waiting = p.writer.write(b('abcd'));
    p.reader.close();
    await expect(waiting).rejects.toBeInstanceOf(BrokenPipeError);
    await expect(p.writer.write(b('x'))).rejects.toMatchObject({ code: 'EPIPE' });
  });

  it('shares one buffer between readers of the same source', async () => {
    const p = pipe();
    await p.writer.write(b('hello world'));
    p.writer.close();
    const r1 = buffered(p.reader);
    expect(buffered(p.reader)).toBe(r1);
    expect(t(await r1.readUpTo(5))).toBe('hello');
    expect(t(await buffered(p.reader).read())).toBe(' world');
    expect(await r1.read()).toBeNull();
  });

  it('reports readiness within a timeout', async () => {
    const p = pipe();
    const r = buffered(p.reader);
    expect(await r.waitReadable(0)).toBe(false);
    expect(await r.waitReadable(10)).toBe(false);
    setTimeout(() => void p.writer.write(b('x')), 5);
    expect(await r.waitReadable(null)).toBe(true);
    expect(t(await r.read())).toBe('x');
  });
});
