// Several processes on one store root: the lock between them, and crashes (kill -9).
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkStore, describeCheck, openFsStore, type FsStore } from '../../../backend/store/index.ts';
import { parseRefs } from '../../../backend/store/fs-ref-store.ts';
import { UnavailableError } from '../../../shared/errors.ts';
import { StoreProcess } from './process-harness.ts';

let root: string;
const procs: StoreProcess[] = [];
const stores: FsStore[] = [];
const start = (mode: string, arg?: string) => {
  const p = new StoreProcess(mode, root, arg);
  procs.push(p);
  return p;
};
const open = async (opts?: Parameters<typeof openFsStore>[1]) => {
  const s = await openFsStore(root, opts);
  stores.push(s);
  return s;
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'layerbox-procs-'));
});
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill9();
  for (const s of stores.splice(0)) await s.close();
  await rm(root, { recursive: true, force: true });
});

describe('lock between processes', () => {
  it('a second process waits until the first releases', async () => {
    const mine = await open();
    const events: string[] = [];
    let other!: StoreProcess;
    await mine.lock(async () => {
      other = start('wait');
      // The child reports that it found the lock taken, and by whom.
      const waiting = await other.line(/^waiting /);
      expect(waiting).toBe(`waiting waiting for another layerbox process (pid ${process.pid}) to release the lock on ${root}`);
      events.push('child waiting');
      void other.line('acquired').then(() => events.push('child acquired'));
      events.push('parent releasing');
    });
    await other.line('acquired');
    await other.done();
    expect(events).toEqual(['child waiting', 'parent releasing', 'child acquired']);
  });

  it('the lock of a process killed with SIGKILL is free at once', async () => {
    const holder = start('hold');
    await holder.line('locked');
    const mine = await open({ timeoutMs: 0 });
    await expect(mine.lock(async () => 'no')).rejects.toBeInstanceOf(UnavailableError);
    await holder.kill9();
    expect(await mine.lock(async () => 'yes')).toBe('yes');
  });

  it('children of the holder do not keep its lock', async () => {
    const holder = start('hold-with-child');
    const childPid = Number((await holder.line(/^child \d+$/)).split(' ')[1]);
    await holder.line('locked');
    try {
      await holder.kill9();
      const mine = await open({ timeoutMs: 0 });
      expect(await mine.lock(async () => 'free')).toBe('free');
    } finally {
      process.kill(childPid, 'SIGKILL');
    }
  });

  it('a holder that releases normally lets the next one in', async () => {
    const holder = start('hold');
    await holder.line('locked');
    const waiter = start('wait');
    await waiter.line(/^waiting /);
    holder.send('release');
    await holder.line('released');
    await waiter.line('acquired');
    await Promise.all([holder.done(), waiter.done()]);
  });

  it('read-modify-write sequences of concurrent processes never interleave', async () => {
    const a = start('count', '15');
    const b = start('count', '15');
    await Promise.all([a.done(), b.done()]);
    const s = await open();
    const d = await s.refs.get('test/counter');
    expect(new TextDecoder().decode(await s.blobs.get(d!))).toBe('30');
  });
});

describe('exit', () => {
  it('a process that flushed a large batch exits by itself', async () => {
    const p = start('batch', '200');
    await p.line('done');
    await p.done();
    const s = await open();
    let n = 0;
    for await (const _ of s.blobs.list()) n++;
    expect(n).toBe(200);
  });
});

describe('crash safety', () => {
  it('a process killed at random points leaves a consistent store', async () => {
    // Kill points: right after a phase starts (flush, ref update, gc, discard) plus a few
    // milliseconds, or at a random moment after the first round; 20 runs on one
    // accumulating root.
    const seed = Date.now() >>> 0;
    let x = seed || 1;
    const rand = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const phases = ['flush', 'refs', 'gc', 'discard'];
    const killedIn: string[] = [];
    for (let run = 0; run < 20; run++) {
      const p = start('churn', String(rand(1 << 30) + 1));
      await p.line('ready');
      if (run % 3 === 2) {
        await p.line(/^round \d+$/);
        await new Promise((r) => setTimeout(r, rand(200)));
      } else {
        await p.line(new RegExp(`^${phases[rand(phases.length)]}$`));
        await new Promise((r) => setTimeout(r, rand(8)));
      }
      await p.kill9();
      killedIn.push(p.lines.at(-1) ?? '(start)');

      const context = `seed ${seed}, run ${run}, killed after ${killedIn.at(-1)}`;
      // Valid JSON of name → digest, whatever the moment of the kill.
      parseRefs(await readFile(join(root, 'refs.json'), 'utf8'), `refs.json (${context})`);
      const s = await open();
      // Opening removed the dead process's temp files.
      expect(await readdir(join(root, 'tmp')), context).toEqual([]);
      const report = await checkStore(s);
      expect(report.ok, `${context}\n${describeCheck(report).join('\n')}`).toBe(true);
      await s.close();
    }
    // Progress was made: refs exist and point at stored, intact blobs (checked above).
    const s = await open();
    expect((await s.refs.list('churn/')).length).toBeGreaterThan(0);
    console.log(`crash runs (seed ${seed}) killed after: ${killedIn.join(', ')}`);
  }, 300_000);
});
