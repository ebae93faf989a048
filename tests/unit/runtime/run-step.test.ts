import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { Engine } from '../../../shared/engine/engine.ts';
import { build } from '../../../shared/build/builder.ts';
import { MemoryContext } from '../../../shared/build/context.ts';
import { getImage } from '../../../shared/engine/images.ts';
import { imageRootfs } from '../../../shared/engine/rootfs.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';
import { MutableDir, EMPTY_META } from '../../../shared/tree/mutable.ts';
import { SandboxRunner } from '../../../shared/runtime/build-runner.ts';
import { nodeCatalog } from '../../../backend/catalog.ts';
import { nodeWorkerPool } from '../../../backend/process/node-workers.ts';
import { installNodeHost } from '../../../backend/host.ts';
import type { WorkerPool } from '../../../shared/process/worker-pool.ts';

installNodeHost();
let pool: WorkerPool;
beforeAll(async () => {
  pool = await nodeWorkerPool();
});
afterAll(() => pool?.close?.());

function engine() {
  return new Engine(new MemoryStore(), { catalog: nodeCatalog, now: () => Date.parse('2026-11-27T12:00:00Z') });
}

describe('RUN', () => {
  it('runs shell and exec forms, with ARGs and ENV, and each RUN becomes a layer', async () => {
    const e = engine();
    const runner = new SandboxRunner(e, { pool: async () => pool });
    const lines: string[] = [];
    const df = 'FROM box\nARG WHO=world\nENV GREETING=hello\nRUN echo "$GREETING $WHO" | tee /greeting && wc -c < /greeting > /count\nRUN ["/bin/mkdir", "-p", "/made/by/exec"]\nUSER 1000\nRUN id -u > /tmp/uid; touch /root/x 2>/tmp/err || echo denied >> /tmp/err\n';
    const r = await e.write(() => build(e, { context: new MemoryContext({ Dockerfile: df }), tags: ['t'], runner, log: (l) => lines.push(l) }));
    const img = await getImage(e, 't');
    expect(img.id).toBe(r.id);
    const hist = img.config.history!.map((h) => h.created_by);
    expect(hist).toContain('RUN |1 WHO=world /bin/sh -c echo "$GREETING $WHO" | tee /greeting && wc -c < /greeting > /count # buildkit');
    expect(hist).toContain('RUN |1 WHO=world /bin/mkdir -p /made/by/exec # buildkit');
    const { root } = await imageRootfs(e, img);
    const fs = new UnionFs(e.trees, root, new MutableDir(EMPTY_META, { implicit: true }));
    const text = async (p: string) => new TextDecoder().decode(await fs.readFile(p));
    expect(await text('/greeting')).toBe('hello world\n');
    expect((await text('/count')).trim()).toBe('12');
    expect(await fs.stat('/made/by/exec')).toMatchObject({ type: 'dir' });
    expect(await text('/tmp/uid')).toBe('1000\n');
    expect(await text('/tmp/err')).toMatch(/denied/);
    expect(lines.some((l) => / hello world$/.test(l))).toBe(true);
    // box's layer plus three RUN layers
    expect(img.record.layers.length).toBe(4);
    const again = await e.write(() => build(e, { context: new MemoryContext({ Dockerfile: df }), tags: ['t'], runner }));
    expect(again.id).toBe(r.id);
    expect(again.executed).toBe(0);
  }, 60_000);

  it('a failing RUN names the line and the exit code, and tags nothing', async () => {
    const e = engine();
    const runner = new SandboxRunner(e, { pool: async () => pool });
    const p = e.write(() => build(e, { context: new MemoryContext({ Dockerfile: 'FROM box\nRUN echo before; exit 3\n' }), tags: ['bad'], runner }));
    await expect(p).rejects.toThrow(/Dockerfile:2: executor failed running \[\/bin\/sh -c echo before; exit 3\]: exit code: 3/);
    await expect(getImage(e, 'bad')).rejects.toThrow(/No such image/);
  }, 60_000);
});

