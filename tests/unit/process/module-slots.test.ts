import { afterAll, describe, expect, it } from 'vitest';
import { installNodeHost } from '../../../backend/host.ts';
import { nodeCatalog } from '../../../backend/catalog.ts';
import { nodeWorkerFactory } from '../../../backend/process/node-workers.ts';
import { processWorkerScript } from '../../../backend/process/worker-script.ts';
import { ensureImage } from '../../../shared/engine/catalog.ts';
import { Engine } from '../../../shared/engine/engine.ts';
import { ModuleSlots } from '../../../shared/process/module-slots.ts';
import type { ToWorker } from '../../../shared/process/protocol.ts';
import { WorkerPool } from '../../../shared/process/worker-pool.ts';
import { CollectingWriter } from '../../../shared/process/stdio.ts';
import { ContainerHost } from '../../../shared/runtime/container-host.ts';
import { MemoryLogStore } from '../../../shared/runtime/log.ts';
import { MemoryStore } from '../../../shared/store/memory-store.ts';

installNodeHost();

describe('module slots', () => {
  it('two sides touched alike agree on what is held, through evictions', () => {
    const engine = new ModuleSlots<never>(3);
    const worker = new ModuleSlots<string>(3);
    const keys = ['a', 'b', 'a', 'c', 'd', 'b', 'a', 'e', 'e', 'c', 'a'];
    const sent: string[] = [];
    for (const k of keys) {
      const held = engine.touch(k);
      if (!held) sent.push(k);
      worker.touch(k, held ? undefined : `module ${k}`);
      expect(worker.get(k)).toBe(`module ${k}`);
    }
    // Three fit: d pushes out b, b then a, a then c, c then b; the last a is still held.
    expect(sent).toEqual(['a', 'b', 'c', 'd', 'b', 'a', 'e', 'c']);
  });
});

describe('a process worker', () => {
  let pool: WorkerPool | undefined;
  afterAll(() => pool?.close?.());

  it('is sent a program once and runs it again by name', async () => {
    const posts: ToWorker[] = [];
    const factory = nodeWorkerFactory(await processWorkerScript());
    pool = new WorkerPool(() => {
      const h = factory();
      return { ...h, post: (m: ToWorker) => (posts.push(m), h.post(m)) };
    }, { warm: 1 });
    const e = new Engine(new MemoryStore(), { catalog: nodeCatalog });
    await ensureImage(e, 'box');
    const host = new ContainerHost(e, { pool: async () => pool! }, new MemoryLogStore());
    for (const word of ['one', 'two', 'three']) {
      const out = new CollectingWriter();
      const r = await host.run({ image: 'box', cmd: ['echo', word], autoRemove: true }, { stdout: out });
      expect((await r.done).status).toBe(0);
      expect(out.text()).toBe(word + '\n');
    }
    expect(posts.map((m) => m.job.module !== undefined)).toEqual([true, false, false]);
    expect(new Set(posts.map((m) => m.job.moduleKey)).size).toBe(1);
  });
});
