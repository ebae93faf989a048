// The userland (wasm/dist/userland.wasm, built by `node wasm/userland/build.mjs`) on the
// runtime: ps reads /proc, ls and stat read owners, modes and devices through the
// layerbox imports, id reads credentials. Skipped, loudly, when the binary is not built.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectingWriter, type WorkerPool } from '../../../shared/process/index.ts';
import { ROOT_CRED, ROOT_INO } from '../../../shared/vfs/index.ts';
import { addDevices, makeBox, makeVfs, mkdirp, put, startPool, type Box } from './helpers.ts';

const binary = new URL('../../../wasm/dist/userland.wasm', import.meta.url);
const present = existsSync(binary);
if (!present) console.warn(`SKIPPED userland tests: ${binary.pathname} is not built (node wasm/userland/build.mjs)`);

describe.skipIf(!present)('userland on the runtime', () => {
  let pool: WorkerPool;
  let b: Box;
  beforeAll(async () => {
    pool = await startPool();
    const fs = makeVfs();
    put(fs, '/bin/box', new Uint8Array(readFileSync(binary)));
    for (const a of ['ls', 'ps', 'id', 'stat', 'cat', 'sleep']) fs.symlink(ROOT_CRED, '/bin/box', ROOT_INO, `/bin/${a}`);
    addDevices(fs);
    mkdirp(fs, '/tmp', 0o1777);
    put(fs, '/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n', { mode: 0o644 });
    put(fs, '/etc/group', 'root:x:0:\nuser:x:1000:\n', { mode: 0o644 });
    b = makeBox(pool, fs);
  }, 60_000);
  afterAll(() => pool.close());

  it('ps lists the running processes from /proc', async () => {
    const out = new CollectingWriter();
    const sleeper = await b.rt.spawn({ argv: ['sleep', '30'], env: ['PATH=/bin'], stdout: out });
    const ps = await b.run(['ps']);
    expect(ps.status).toBe(0);
    const lines = ps.out.split('\n');
    expect(lines.some((l) => l.trim().startsWith(String(sleeper.pid)) && l.includes('sleep'))).toBe(true);
    expect(lines.some((l) => /\bps\b/.test(l))).toBe(true);
    sleeper.kill(9);
    expect((await sleeper.wait()).status).toBe(137);
  });

  it('ls -l shows devices, owners and modes; id shows the caller', async () => {
    const ls = await b.run(['ls', '-l', '/dev']);
    expect(ls.out).toMatch(/^crw-rw-rw- +1 root +root +1, +3 .* null$/m);
    expect((await b.run(['id'], { cred: { uid: 1000, gid: 1000 } })).out).toBe('uid=1000(user) gid=1000(user) groups=1000(user)\n');
    expect((await b.run(['stat', '-c', '%a %U', '/tmp'])).out).toBe('1777 root\n');
  });
});
