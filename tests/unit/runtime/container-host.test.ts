import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { Engine } from '../../../shared/engine/engine.ts';
import { createContainer, containerChanges, getContainer } from '../../../shared/engine/containers.ts';
import { getVolume } from '../../../shared/engine/volumes.ts';
import { ensureImage } from '../../../shared/engine/catalog.ts';
import { ContainerHost } from '../../../shared/runtime/container-host.ts';
import { DETACHED, LocalHandle } from '../../../shared/runtime/handle.ts';
import { MemoryLogStore, logLines } from '../../../shared/runtime/log.ts';
import { CollectingWriter } from '../../../shared/process/stdio.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';
import { MutableDir } from '../../../shared/tree/mutable.ts';
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

async function setup() {
  const e = new Engine(new MemoryStore(), { catalog: nodeCatalog });
  await ensureImage(e, 'box');
  const logs = new MemoryLogStore();
  return { e, logs, host: new ContainerHost(e, { pool: async () => pool }, logs, 4242) };
}

describe('a container in one engine process', () => {
  it('runs, logs, keeps its changes in its layer and its volume, and records how it ended', async () => {
    const { e, logs, host } = await setup();
    const c = await e.write(() => createContainer(e, { image: 'box', name: 'c1', volumes: ['data:/data'], cmd: ['sh', '-c', 'echo out; echo err >&2; echo kept > /data/f; mkdir /made; rm /etc/os-release; exit 4'] }));
    const r = await host.start(c.Id);
    expect((await getContainer(e, c.Id)).state.State).toMatchObject({ Running: true, Pid: 4242 });
    expect((await r.done).status).toBe(4);
    const after = (await getContainer(e, c.Id)).state;
    expect(after.State).toMatchObject({ Running: false, Status: 'exited', ExitCode: 4, Pid: 0 });
    const changes = (await containerChanges(e, c.Id)).map((x) => `${x.kind} ${x.path}`);
    expect(changes).toEqual(expect.arrayContaining(['A /made', 'D /etc/os-release']));
    const vol = await getVolume(e, 'data');
    const vfs = new UnionFs(e.trees, vol.Root, new MutableDir(undefined, { implicit: true }));
    expect(new TextDecoder().decode(await vfs.readFile('/f'))).toBe('kept\n');
    const entries = [];
    for await (const x of logs.read(c.Id)) entries.push(x);
    expect(logLines(entries).map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:out\n', 'stderr:err\n']);
  }, 60_000);

  it('exec joins a running container; sync shows its changes; stop waits the grace period for a pid 1 that ignores SIGTERM', async () => {
    const { e, host } = await setup();
    const c = await e.write(() => createContainer(e, { image: 'box', cmd: ['sleep', '100'] }));
    const r = await host.start(c.Id);
    const out = new CollectingWriter();
    const p = await r.exec({ argv: ['sh', '-c', 'echo hi > /tmp/x; ps'] }, { stdout: out });
    expect((await p.wait()).status).toBe(0);
    expect(out.text()).toMatch(/^\s+1 root .* sleep 100$/m);
    await r.sync();
    expect((await containerChanges(e, c.Id)).map((x) => `${x.kind} ${x.path}`)).toContain('A /tmp/x');
    r.kill('TERM');
    await new Promise((res) => setTimeout(res, 200));
    expect(host.running(c.Id)).toBeDefined();
    // 137: SIGKILL after the grace period; SIGTERM would have given 143.
    expect((await r.stop(0.3)).status).toBe(137);
  }, 60_000);

  it('--rm removes the container when it exits, and a program that cannot start is recorded', async () => {
    const { e, host } = await setup();
    const c = await e.write(() => createContainer(e, { image: 'box', cmd: ['true'], autoRemove: true }));
    await (await host.start(c.Id)).done;
    await expect(getContainer(e, c.Id)).rejects.toThrow(/No such container/);
    const bad = await e.write(() => createContainer(e, { image: 'box', cmd: ['nosuch'] }));
    await expect(host.start(bad.Id)).rejects.toThrow(/executable file not found in \$PATH/);
    expect((await getContainer(e, bad.Id)).state.State).toMatchObject({ Running: false, ExitCode: 127 });
  }, 60_000);

  it('attach ends when the one attached goes away, and its streams get nothing more; the container runs on', async () => {
    const { host } = await setup();
    const r = await host.run({ image: 'box', cmd: ['sh', '-c', 'while :; do echo tick; sleep 0.05; done'] });
    const out = new CollectingWriter();
    let leave!: () => void;
    const gone = new Promise<void>((res) => (leave = res));
    const attached = new LocalHandle(r).attach({ stdout: out }, gone);
    while (!out.text().includes('tick')) await new Promise((res) => setTimeout(res, 20));
    leave();
    expect(await attached).toBe(DETACHED);
    const seen = out.text().length;
    await new Promise((res) => setTimeout(res, 300));
    expect(out.text().length).toBe(seen);
    expect(host.running(r.id)).toBe(r);
    r.kill('KILL');
    expect((await r.done).status).toBe(137);
  }, 60_000);
});
