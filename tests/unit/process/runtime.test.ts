// The process runtime with real workers: exit statuses, program resolution, #! scripts,
// exec errors, signals, memory limits, stdin and pipes through the channel, /proc,
// permissions, host applets, spawning from a WASI program.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CollectingWriter, ModuleCache, hostApplets, pipe, SIGKILL, SIGTERM,
  type HostAppletContext, type WorkerPool,
} from '../../../shared/process/index.ts';
import { ROOT_CRED, ROOT_INO } from '../../../shared/vfs/index.ts';
import { lbtest } from '../wasi/fixtures/build.ts';
import { addDevices, makeBox, makeVfs, mkdirp, put, readText, startPool, type Box } from './helpers.ts';
import { withCustomSection } from './wasm-util.ts';

let pool: WorkerPool;
let wasm: Uint8Array;

beforeAll(async () => {
  [pool, wasm] = await Promise.all([startPool(), lbtest()]);
}, 120_000);
afterAll(() => pool.close());

function box(opts: Parameters<typeof makeBox>[2] = {}): Box {
  const fs = makeVfs();
  put(fs, '/bin/lbtest', wasm);
  addDevices(fs);
  mkdirp(fs, '/tmp', 0o1777);
  mkdirp(fs, '/root', 0o700);
  mkdirp(fs, '/usr/bin');
  return makeBox(pool, fs, opts);
}

/** Wait until `cond` holds (no fixed sleeps). */
async function pollFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('exit status and resolution', () => {
  it('runs a program found through PATH and returns its exit code', async () => {
    const b = box();
    expect(await b.run(['lbtest', 'echo', 'hello'])).toMatchObject({ status: 0, out: 'hello\n' });
    expect((await b.run(['lbtest', 'exit', '3'])).status).toBe(3);
    expect((await b.run(['/bin/lbtest', 'exit', '7'])).status).toBe(7);
    expect((await b.run(['../bin/lbtest', 'exit', '8'], { cwd: '/tmp' })).status).toBe(8);
  });

  it('searches PATH in order and skips what it may not execute', async () => {
    const b = box();
    put(b.fs, '/usr/bin/lbtest', 'not even a program', { mode: 0o644 });
    // /usr/bin comes first but is not executable: /bin/lbtest runs.
    expect((await b.run(['lbtest', 'exit', '5'])).status).toBe(5);
    put(b.fs, '/opt/only/tool', 'text', { mode: 0o644 });
    const r = await b.run(['tool'], { env: ['PATH=/opt/only'] });
    expect(r).toMatchObject({ status: 126, err: 'exec: "tool": permission denied\n' });
  });

  it('answers 127 for a missing program, 126 for a directory or no execute bit', async () => {
    const b = box();
    expect(await b.run(['nosuch'])).toMatchObject({ status: 127, err: 'exec: "nosuch": executable file not found in $PATH\n' });
    expect(await b.run(['/bin/nosuch'])).toMatchObject({ status: 127, err: 'exec: "/bin/nosuch": stat /bin/nosuch: no such file or directory\n' });
    expect(await b.run(['/tmp'])).toMatchObject({ status: 126, err: 'exec: "/tmp": is a directory\n' });
    put(b.fs, '/bin/noexec', wasm, { mode: 0o644 });
    expect(await b.run(['/bin/noexec'])).toMatchObject({ status: 126, err: 'exec: "/bin/noexec": permission denied\n' });
    // Execute permission is checked for the caller.
    put(b.fs, '/bin/rootonly', wasm, { mode: 0o700 });
    expect((await b.run(['/bin/rootonly', 'exit', '0'])).status).toBe(0);
    expect((await b.run(['/bin/rootonly', 'exit', '0'], { cred: { uid: 1000, gid: 1000 } })).status).toBe(126);
  });

  it('says exec format error for ELF, text and corrupt wasm', async () => {
    const b = box();
    put(b.fs, '/bin/elf', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    put(b.fs, '/bin/text', 'echo hello\n');
    put(b.fs, '/bin/corrupt', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff, 0xff, 7]));
    for (const p of ['/bin/elf', '/bin/text', '/bin/corrupt']) {
      expect(await b.run([p])).toMatchObject({ status: 126, err: `exec ${p}: exec format error\n` });
    }
  });

  it('runs #! scripts with their interpreter, nested, and fails on a missing interpreter', async () => {
    const b = box();
    put(b.fs, '/usr/bin/greet', '#!/bin/lbtest args\nignored body\n');
    expect((await b.run(['greet', 'a', 'b'])).out).toBe('[/bin/lbtest][args][/usr/bin/greet][a][b]\n');
    put(b.fs, '/tmp/nested', '#! /usr/bin/greet\n');
    expect((await b.run(['./nested', 'x'], { cwd: '/tmp' })).out).toBe('[/bin/lbtest][args][/usr/bin/greet][/tmp/nested][x]\n');
    put(b.fs, '/tmp/orphan', '#!/no/such/interpreter\n');
    const r = await b.run(['/tmp/orphan']);
    expect(r.status).toBe(127);
    expect(r.err).toContain('exec /tmp/orphan: no such file or directory');
    put(b.fs, '/tmp/noexec-script', '#!/bin/lbtest args\n', { mode: 0o644 });
    expect((await b.run(['/tmp/noexec-script'])).status).toBe(126);
  });

  it('compiles a module once per digest', async () => {
    const modules = new ModuleCache();
    const b = box({ modules });
    put(b.fs, '/usr/bin/copy', wasm);
    await b.run(['lbtest', 'exit', '0']);
    await b.run(['/usr/bin/copy', 'exit', '0']);
    expect(modules.size).toBe(1);
  });
});

describe('signals', () => {
  it('SIGKILL ends an infinite loop (status 137) and SIGTERM ends one with 143', async () => {
    const b = box();
    for (const [sig, status] of [[SIGKILL, 137], [SIGTERM, 143]] as const) {
      const out = new CollectingWriter();
      const p = await b.rt.spawn({ argv: ['lbtest', 'loop'], env: ['PATH=/bin'], stdout: out });
      await pollFor(() => out.text().includes('looping'), 'the loop to start');
      expect(b.rt.processes().map((x) => x.pid)).toContain(p.pid);
      expect(b.rt.kill(p.pid, sig)).toBe(true);
      expect(await p.wait()).toMatchObject({ status, signal: sig });
      expect(b.rt.processes().map((x) => x.pid)).not.toContain(p.pid);
    }
  });

  it('SIGKILL ends a process blocked in a read; SIGSTOP holds it until SIGCONT', async () => {
    const b = box();
    const input = pipe();
    const out = new CollectingWriter();
    const blocked = await b.rt.spawn({ argv: ['lbtest', 'cat'], env: ['PATH=/bin'], stdin: input.reader, stdout: out });
    const state = (p: { pid: number }) => b.rt.processes().find((x) => x.pid === p.pid)?.state;
    await pollFor(() => state(blocked) === 'S', 'cat to block');
    blocked.kill(19);
    expect(state(blocked)).toBe('T');
    await input.writer.write(new TextEncoder().encode('held\n'));
    expect(out.text()).toBe('');
    blocked.kill(18);
    await pollFor(() => out.text() === 'held\n', 'output after SIGCONT');
    await pollFor(() => state(blocked) === 'S', 'cat to block again');
    blocked.kill(SIGKILL);
    expect(await blocked.wait()).toMatchObject({ status: 137, signal: SIGKILL });
    input.reader.close();
    input.writer.close();
  });

  it('a WASI program kills another process of the container, within permissions', async () => {
    const b = box();
    const out = new CollectingWriter();
    const victim = await b.rt.spawn({ argv: ['lbtest', 'loop'], env: ['PATH=/bin'], stdout: out });
    await pollFor(() => out.text().includes('looping'), 'the loop to start');
    const denied = await b.run(['lbtest', 'kill', String(victim.pid), '9'], { cred: { uid: 1000, gid: 1000 } });
    expect(denied.out).toBe('kill=63\n');
    expect((await b.run(['lbtest', 'kill', '999', '9'])).out).toBe('kill=71\n');
    expect((await b.run(['lbtest', 'kill', String(victim.pid), '9'])).out).toBe('kill=0\n');
    expect((await victim.wait()).status).toBe(137);
  });
});

describe('memory limit', () => {
  it('lets a program allocate under the limit and ends it with 137 past it', async () => {
    const b = box({ memoryLimit: 16 * 2 ** 20 });
    expect(await b.run(['lbtest', 'alloc', '4'])).toMatchObject({ status: 0, out: 'allocated 4 MiB\n' });
    const r = await b.run(['lbtest', 'alloc', '64']);
    expect(r).toMatchObject({ status: 137, oom: true });
    expect(r.message).toContain('out of memory');
  });

  it('refuses to start a module that needs more than the limit', async () => {
    const b = box({ memoryLimit: 65536 });
    expect(await b.run(['lbtest', 'exit', '0'])).toMatchObject({ status: 137, oom: true });
  });
});

describe('stdio and pipes', () => {
  it('blocks a read on stdin in the worker until the engine has data', async () => {
    const b = box();
    const input = pipe();
    const out = new CollectingWriter();
    const p = await b.rt.spawn({ argv: ['lbtest', 'cat'], env: ['PATH=/bin'], stdin: input.reader, stdout: out });
    input.reader.close();
    await pollFor(() => b.rt.processes().find((x) => x.pid === p.pid)?.state === 'S', 'cat to block in read');
    await input.writer.write(new TextEncoder().encode('first\n'));
    await pollFor(() => out.text() === 'first\n', 'the first line');
    await input.writer.write(new TextEncoder().encode('second\n'));
    input.writer.close();
    expect((await p.wait()).status).toBe(0);
    expect(out.text()).toBe('first\nsecond\n');
  });

  it('connects two processes running at once through a pipe', async () => {
    const b = box();
    const p = pipe();
    const out = new CollectingWriter();
    const writer = await b.rt.spawn({ argv: ['lbtest', 'echo', 'through', 'the', 'pipe'], env: ['PATH=/bin'], stdout: p.writer });
    p.writer.close();
    const reader = await b.rt.spawn({ argv: ['lbtest', 'cat'], env: ['PATH=/bin'], stdin: p.reader, stdout: out });
    p.reader.close();
    expect((await writer.wait()).status).toBe(0);
    expect((await reader.wait()).status).toBe(0);
    expect(out.text()).toBe('through the pipe\n');
  });

  it('ends a writer with SIGPIPE (141) once its reader is gone, as `yes | head -1`', async () => {
    const b = box();
    const p = pipe();
    const out = new CollectingWriter();
    const yes = await b.rt.spawn({ argv: ['lbtest', 'yes'], env: ['PATH=/bin'], stdout: p.writer });
    p.writer.close();
    const head = await b.rt.spawn({ argv: ['lbtest', 'readline'], env: ['PATH=/bin'], stdin: p.reader, stdout: out });
    p.reader.close();
    expect((await head.wait()).status).toBe(0);
    expect(out.text()).toBe('got: y\n');
    expect(await yes.wait()).toMatchObject({ status: 141, signal: 13 });
  });

  it('carries answers larger than the channel buffer in parts', async () => {
    const small = await (await import('../../../backend/process/index.ts')).nodeWorkerPool({ warm: 1, channelBytes: 256 });
    try {
      const fs = makeVfs();
      put(fs, '/bin/lbtest', wasm);
      const big = 'x'.repeat(5000) + 'end\n';
      put(fs, '/big', big);
      for (let i = 0; i < 40; i++) put(fs, `/many/entry-with-a-long-name-${i}`, '');
      const b = makeBox(small, fs);
      expect((await b.run(['lbtest', 'cat', '/big'])).out).toBe(big);
      const ls = (await b.run(['lbtest', 'ls', '/many'])).out.split('\n').filter((l) => l.startsWith('entry'));
      expect(ls).toHaveLength(40);
    } finally {
      small.close();
    }
  });

  it('makes isatty true exactly with a terminal', async () => {
    const b = box();
    expect((await b.run(['lbtest', 'isatty'], { tty: true })).out).toBe('1 1 1\n');
    expect((await b.run(['lbtest', 'isatty'])).out).toBe('0 0 0\n');
  });
});

describe('stdin readiness and inherited files', () => {
  it('polls stdin: a timeout without data, ready once data is there', async () => {
    const b = box();
    const quiet = pipe();
    const r1 = b.run(['lbtest', 'poll', '30'], { stdin: quiet.reader });
    quiet.reader.close();
    expect((await r1).out).toBe('poll=0 revents=0\n');
    quiet.writer.close();
    const ready = pipe();
    await ready.writer.write(new TextEncoder().encode('x'));
    const r2 = b.run(['lbtest', 'poll', '10000'], { stdin: ready.reader });
    ready.reader.close();
    expect((await r2).out).toBe('poll=1 revents=1\n');
    ready.writer.close();
  });

  it('a child inherits a file as its stdout and the parent continues after its output', async () => {
    const b = box();
    const r = await b.run(['lbtest', 'redirect', '/tmp/log', 'lbtest', 'echo', 'child line']);
    expect(r.status).toBe(0);
    expect(readText(b.fs, '/tmp/log')).toBe('parent before\nchild line\nparent after spawn=0 status=0\n');
  });
});

describe('/proc and the process table', () => {
  it('shows each process with its pid, parent, argv and credentials', async () => {
    const b = box();
    const user = { uid: 1000, gid: 1000 };
    const status = await b.run(['lbtest', 'cat', '/proc/self/status'], { cred: user, ppid: 0 });
    const pid = /Pid:\t(\d+)/.exec(status.out)?.[1];
    expect(status.out).toMatch(/^Name:\tlbtest\n/);
    expect(status.out).toContain('PPid:\t0\n');
    expect(status.out).toContain('Uid:\t1000\t1000\t1000\t1000\n');
    expect(status.out).toContain('State:\tR (running)\n');
    expect(Number(pid)).toBeGreaterThan(0);
    expect((await b.run(['lbtest', 'cat', '/proc/self/cmdline'])).out).toBe('lbtest\0cat\0/proc/self/cmdline\0');

    const out = new CollectingWriter();
    const loop = await b.rt.spawn({ argv: ['lbtest', 'loop'], env: ['PATH=/bin'], stdout: out });
    await pollFor(() => out.text().includes('looping'), 'the loop');
    const ls = (await b.run(['lbtest', 'ls', '/proc'])).out.split('\n');
    expect(ls).toContain(`${loop.pid}/`);
    expect((await b.run(['lbtest', 'cat', `/proc/${loop.pid}/cmdline`])).out).toBe('lbtest\0loop\0');
    expect((await b.run(['lbtest', 'cat', '/proc/sys/kernel/ostype'])).out).toBe('Linux\n');
    loop.kill(SIGKILL);
    await loop.wait();
    expect((await b.run(['lbtest', 'cat', `/proc/${loop.pid}/cmdline`])).status).toBe(1);
  });

  it('numbers pids from 1 and records the parent of a spawned child', async () => {
    const b = box();
    expect((await b.run(['lbtest', 'ids'])).out).toBe('pid=1 ppid=0 uid=0 gid=0\n');
    expect((await b.run(['lbtest', 'spawn', 'lbtest', 'ids'])).out).toBe('pid=3 ppid=2 uid=0 gid=0\nspawn=0 status=0\n');
  });
});

describe('spawn from a WASI program', () => {
  it('runs a child to completion with inherited stdio and reports its status', async () => {
    const b = box();
    expect((await b.run(['lbtest', 'spawn', 'lbtest', 'exit', '9'])).out).toBe('spawn=0 status=9\n');
    expect((await b.run(['lbtest', 'spawn', 'nosuch'])).out).toBe('spawn=44 status=-1\n');
    put(b.fs, '/bin/text', 'plain text');
    expect((await b.run(['lbtest', 'spawn', '/bin/text'])).out).toBe('spawn=45 status=-1\n');
  });
});

describe('host applets', () => {
  it('runs a declared applet name through the host function, with a pid and stdio', async () => {
    const b = box();
    put(b.fs, '/bin/sh', withCustomSection(wasm, 'layerbox.host-applets', 'sh\n'));
    const seen: HostAppletContext[] = [];
    hostApplets.set('sh', async (ctx) => {
      seen.push(ctx);
      await ctx.stdout.write(new TextEncoder().encode(`host sh ${ctx.argv.slice(1).join(' ')}\n`));
      // The applet drives the process API: a child of its own.
      const child = await ctx.runtime.run({ argv: ['lbtest', 'echo', 'from child'], env: ctx.env, ppid: ctx.pid, stdout: ctx.stdout });
      return child.status + 4;
    });
    try {
      const r = await b.run(['sh', '-c', 'true']);
      expect(r).toMatchObject({ status: 4, out: 'host sh -c true\nfrom child\n' });
      expect(seen[0]!.pid).toBe(1);
      // A #!/bin/sh script goes to the host shell with the script path.
      put(b.fs, '/tmp/script', '#!/bin/sh\n');
      expect((await b.run(['/tmp/script', 'arg'])).out).toBe('host sh /tmp/script arg\nfrom child\n');
      // Under another name the module runs as itself.
      put(b.fs, '/bin/other', withCustomSection(wasm, 'layerbox.host-applets', 'sh\n'));
      expect((await b.run(['/bin/other', 'echo', 'wasm'])).out).toBe('wasm\n');
      // A WASI program spawning `sh` gets the host shell too.
      expect((await b.run(['lbtest', 'spawn', 'sh', 'x'])).out).toBe('host sh x\nfrom child\nspawn=0 status=4\n');
    } finally {
      hostApplets.delete('sh');
    }
  });
});

describe('signals to host applets', () => {
  it('delivers signals to a handler, and SIGKILL ends an applet without one', async () => {
    const b = box();
    put(b.fs, '/bin/sh', withCustomSection(wasm, 'layerbox.host-applets', 'sh'));
    const got: number[] = [];
    hostApplets.set('sh', (ctx) => new Promise<number>((resolve) => {
      ctx.onSignal((sig) => {
        got.push(sig);
        if (sig === SIGTERM) resolve(128 + sig);
      });
    }));
    try {
      const p = await b.rt.spawn({ argv: ['sh'], env: ['PATH=/bin'] });
      p.kill(2);
      p.kill(SIGTERM);
      expect((await p.wait()).status).toBe(143);
      expect(got).toEqual([2, SIGTERM]);
      hostApplets.set('sh', () => new Promise<number>(() => {}));
      const q = await b.rt.spawn({ argv: ['sh'], env: ['PATH=/bin'] });
      q.kill(SIGKILL);
      expect(await q.wait()).toMatchObject({ status: 137, signal: SIGKILL });
    } finally {
      hostApplets.delete('sh');
    }
  });
});

describe('permissions', () => {
  it('uid 1000 cannot write /root, root can', async () => {
    const b = box();
    expect(await b.run(['lbtest', 'write', '/root/f', 'x'], { cred: { uid: 1000, gid: 1000 } })).toMatchObject({
      status: 1, out: 'error: /root/f: Permission denied\n',
    });
    expect((await b.run(['lbtest', 'write', '/root/f', 'x'])).status).toBe(0);
    expect(b.fs.stat(b.fs.lookup(ROOT_CRED, ROOT_INO, '/root/f', true)).size).toBe(1);
  });
});
