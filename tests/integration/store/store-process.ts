// A second process on a store root, driven by the fs store tests:
//   node --import tsx store-process.ts <mode> <root> [args]
// It reports progress as lines on stdout (pipes are synchronous on Linux, so a line is
// out before the next step starts) and reads commands from stdin.
//   hold             take the lock, print "locked", release on the stdin line "release"
//   hold-with-child  as hold, after spawning a long-lived child ("child <pid>")
//   wait             take the lock, printing "waiting <message>" if it is held; print "acquired"
//   count <n>        n times under the lock: read counter ref, store n+1, flip the ref
//   batch <n>        put n blobs, flush (a syncfs-sized batch), print "done" and exit by itself
//   churn <seed>     store blobs, flush, update refs, collect garbage, forever
//   recycle          store a blob ("a <inode>"), delete it, store another and point a
//                    ref at it ("b <inode>"): the recycled file's round trip
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { openFsStore } from '../../../backend/store/index.ts';
import type { Digest } from '../../../shared/digest/digest.ts';
import type { RefUpdate } from '../../../shared/store/ref-store.ts';

const [mode, root, arg] = process.argv.slice(2);
const say = (line: string) => process.stdout.write(line + '\n');
const stdinLine = (want: string) =>
  new Promise<void>((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (l) => {
      if (l.trim() === want) {
        rl.close();
        // Stop reading, so that stdin does not keep the process alive.
        process.stdin.destroy();
        resolve();
      }
    });
  });

const store = await openFsStore(root!, {
  noticeAfterMs: 0,
  timeoutMs: 60_000,
  onWait: (m) => say(`waiting ${m}`),
});

switch (mode) {
  case 'hold':
  case 'hold-with-child': {
    await store.lock(async () => {
      if (mode === 'hold-with-child') {
        const child = spawn('sleep', ['600'], { stdio: 'ignore', detached: true });
        child.unref();
        say(`child ${child.pid}`);
      }
      say('locked');
      await stdinLine('release');
    });
    say('released');
    break;
  }
  case 'wait': {
    await store.lock(async () => say('acquired'));
    break;
  }
  case 'count': {
    const dec = new TextDecoder();
    for (let i = 0; i < Number(arg); i++) {
      await store.lock(async () => {
        const cur = await store.refs.get('test/counter');
        const n = cur ? Number(dec.decode(await store.blobs.get(cur))) : 0;
        // Yield between read and write, so an unlocked interleaving would lose updates.
        await new Promise((r) => setTimeout(r, 1));
        const next = await store.blobs.put(new TextEncoder().encode(String(n + 1)));
        await store.blobs.flush();
        await store.refs.update([{ name: 'test/counter', value: next }]);
      });
    }
    say('done');
    break;
  }
  case 'recycle': {
    const { statSync } = await import('node:fs');
    const enc = (s: string) => new TextEncoder().encode(s);
    const ino = (d: Digest) => statSync(`${root}/blobs/sha256/${d.slice(7)}`).ino;
    const a = await store.blobs.put(enc('first '.repeat(2000)));
    await store.blobs.flush();
    say(`a ${ino(a)}`);
    await store.blobs.delete(a);
    const b = await store.blobs.put(enc('second'));
    await store.commit([{ name: 'x', value: b }]);
    say(`b ${ino(b)} ${b}`);
    break;
  }
  case 'batch': {
    for (let i = 0; i < Number(arg); i++) await store.blobs.put(new TextEncoder().encode(`blob ${i}`));
    await store.blobs.flush();
    say('done');
    break;
  }
  case 'churn': {
    let x = Number(arg) >>> 0 || 1;
    const rand = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => rand(256));
    say('ready');
    for (let round = 0; ; round++) {
      // Batches on both sides of the fsync/syncfs threshold.
      const fresh: Digest[] = [];
      const count = 1 + rand(rand(2) ? 8 : 100);
      for (let i = 0; i < count; i++) {
        const b = bytes(rand(8) === 0 ? 20_000 : rand(2000));
        if (rand(3) === 0) {
          const half = b.length >> 1;
          fresh.push((await store.blobs.ingest((async function* () { yield b.subarray(0, half); yield b.subarray(half); })())).digest);
        } else {
          fresh.push(await store.blobs.put(b));
        }
      }
      if (rand(10) === 0) {
        say('discard');
        await store.blobs.discard();
        continue;
      }
      // Half the rounds flush and then update refs; half commit both in one step, where a
      // small batch travels in refs.json and reaches its own files after.
      const oneStep = rand(2) === 0;
      if (!oneStep) {
        say('flush');
        await store.blobs.flush();
      }
      say('refs');
      const updates: RefUpdate[] = [];
      const names = new Set<string>();
      for (let i = 0, n = 1 + rand(40); i < n; i++) {
        const name = `churn/${rand(300)}`;
        if (names.has(name)) continue;
        names.add(name);
        updates.push({ name, value: rand(5) === 0 ? null : fresh[rand(fresh.length)]!, expect: (await store.refs.get(name)) ?? null });
      }
      if (oneStep) await store.commit(updates);
      else await store.refs.update(updates);
      if (round % 3 === 2) {
        say('gc');
        await store.lock(async () => {
          const live = new Set([...(await store.refs.list('')).map(([, d]) => d), ...(await store.refs.pinned())]);
          for await (const d of store.blobs.list()) if (!live.has(d) && rand(2)) await store.blobs.delete(d);
        });
      }
      say(`round ${round}`);
    }
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
await store.close();
