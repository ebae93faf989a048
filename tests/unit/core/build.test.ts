import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { Engine } from '../../../shared/engine/engine.ts';
import { build } from '../../../shared/build/builder.ts';
import { CancelledError } from '../../../shared/errors.ts';
import { MemoryContext } from '../../../shared/build/context.ts';
import { getImage } from '../../../shared/engine/images.ts';
import { imageRootfs } from '../../../shared/engine/rootfs.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';
import { MutableDir, EMPTY_META } from '../../../shared/tree/mutable.ts';

function engine() {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return new Engine(new MemoryStore(), { now: () => (t += 1000) });
}

describe('build', () => {
  const files = {
    Dockerfile: 'FROM scratch\nCOPY app /app\nENV A=1 B=${A:-x}\nWORKDIR /app\nCMD ["run"]\n',
    'app/main.txt': 'hello',
    'app/sub/x.txt': 'x',
    '.dockerignore': 'app/sub\n',
  };

  it('builds layers and config, and an unchanged rebuild is all cache hits with the same ID', async () => {
    const e = engine();
    const lines: string[] = [];
    const r1 = await e.write(() => build(e, { context: new MemoryContext(files), tags: ['demo'], log: (l) => lines.push(l) }));
    expect(r1.executed).toBe(4);
    const img = await getImage(e, 'demo');
    expect(img.id).toBe(r1.id);
    expect(img.config.config?.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'B=x']);
    expect(img.config.config?.Cmd).toEqual(['run']);
    expect(img.config.config?.WorkingDir).toBe('/app');
    expect(img.config.history?.map((h) => h.created_by)).toEqual(['COPY app /app # buildkit', 'ENV A=1 B=x', 'WORKDIR /app', 'CMD ["run"]']);
    const { root } = await imageRootfs(e, img);
    const fs = new UnionFs(e.trees, root, new MutableDir(EMPTY_META, { implicit: true }));
    expect((await fs.readdir('/app')).map(([n]) => n)).toEqual(['main.txt']);
    const r2 = await e.write(() => build(e, { context: new MemoryContext(files), tags: ['demo'] }));
    expect(r2.cached).toBe(4);
    expect(r2.executed).toBe(0);
    expect(r2.id).toBe(r1.id);
  });

  it('SOURCE_DATE_EPOCH gives the same image ID in separate stores', async () => {
    const a = engine();
    const b = new Engine(new MemoryStore());
    const ra = await a.write(() => build(a, { context: new MemoryContext(files, { mtime: 5 }), sourceDateEpoch: 1700000000 }));
    const rb = await b.write(() => build(b, { context: new MemoryContext(files, { mtime: 99 }), sourceDateEpoch: 1700000000 }));
    expect(ra.id).toBe(rb.id);
  });

  it('fails clearly and publishes nothing', async () => {
    const e = engine();
    await expect(e.write(() => build(e, { context: new MemoryContext({ Dockerfile: 'FROM scratch\nCOPY nope /x\n' }), tags: ['t'] }))).rejects.toThrow(
      /Dockerfile:2: .*nope: no such file or directory in the build context/,
    );
    await expect(e.write(() => build(e, { context: new MemoryContext({ Dockerfile: 'FROM alpine\n' }) }))).rejects.toThrow(/Dockerfile:1: FROM alpine: Unable to find image .alpine.: layerbox works offline/);
    await expect(e.write(() => build(e, { context: new MemoryContext({ Dockerfile: 'FROM scratch\nRUN make\n' }) }))).rejects.toThrow(/Dockerfile:2: RUN make/);
    expect(await e.refs.list('')).toEqual([]);
  });

  it('multi-stage COPY --from and --target', async () => {
    const e = engine();
    const ctx = new MemoryContext({
      Dockerfile: 'FROM scratch AS build\nCOPY a.txt /out/a.txt\nFROM scratch AS other\nCOPY b.txt /b\nFROM scratch\nCOPY --from=build /out /dist\n',
      'a.txt': 'A',
      'b.txt': 'B',
    });
    const r = await e.write(() => build(e, { context: ctx, tags: ['ms'] }));
    const img = await getImage(e, r.id);
    const fs = new UnionFs(e.trees, (await imageRootfs(e, img)).root, new MutableDir(EMPTY_META, { implicit: true }));
    expect(new TextDecoder().decode(await fs.readFile('/dist/a.txt'))).toBe('A');
    expect(await fs.stat('/b')).toBeUndefined();
    const t = await e.write(() => build(e, { context: ctx, target: 'other' }));
    const timg = await getImage(e, t.id);
    expect(timg.config.history?.map((h) => h.created_by)).toEqual(['COPY b.txt /b # buildkit']);
  });

  it('stops before its next step when cancelled, and keeps nothing', async () => {
    const e = engine();
    let cancel!: () => void;
    const cancelled = new Promise<void>((res) => (cancel = res));
    const before = await e.refs.list('');
    const run = e.write(() =>
      build(e, {
        context: new MemoryContext(files),
        tags: ['demo'],
        cancelled,
        // The user interrupts as the second step begins.
        log: (l) => {
          if (l.includes('ENV A=1')) cancel();
        },
      }),
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(await e.refs.list('')).toEqual(before);
  });
});
