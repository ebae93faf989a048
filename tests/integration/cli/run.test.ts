// Running containers through the `layerbox` command, side by side with Docker: the same
// sequence of commands against Docker (a busybox image) and against layerbox (the box
// image) must print the same output and exit with the same statuses. Covers run's
// flags, exit codes of programs that cannot start, stdin, read-only roots, users,
// volumes outliving containers, commit of a container's changes, detached containers
// with exec, logs, stop (pid 1 ignores SIGTERM unless it traps it, as in Docker), kill,
// wait and restart.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeBusyboxContext } from '../../harness/busybox-image.ts';
import { dockerFromEnv, makeTempDir, removeTree, type RunResult } from '../../harness/peers.ts';
import { expectStoreChecks, layerbox } from './cli.ts';

const docker = dockerFromEnv();
const NS = 'localhost/lbcli-run';
const DOCKER_IMAGE = `${NS}/busybox:users`;

let work: string;
let root: string;
const dockerNames: string[] = [];
const dockerVolumes: string[] = [];

/** One command for each side: `IMG` stands for the image, `NAME` for a per-test container name. */
type Step = { args: string[]; stdin?: string };

interface Outcome {
  code: number;
  stdout: string;
}

let seq = 0;

/** How a step's stdout is compared: exactly, as a set of lines (order not defined), or not at all. */
type Compare = 'all' | 'lines' | 'code';

const sortedLines = (s: string) => s.split(/\r?\n/).filter(Boolean).sort();

async function both(steps: Step[], compare: (i: number) => Compare = () => 'all'): Promise<Array<{ docker: Outcome; layerbox: Outcome }>> {
  const n = ++seq;
  const subst = (a: string, side: 'd' | 'l') =>
    a.replaceAll('IMG', side === 'd' ? DOCKER_IMAGE : 'box').replaceAll('NAME', `lbrun-${n}`).replaceAll('VOL', `lbrunvol-${n}`);
  dockerNames.push(`lbrun-${n}`);
  dockerVolumes.push(`lbrunvol-${n}`);
  const out: Array<{ docker: Outcome; layerbox: Outcome }> = [];
  for (const [i, s] of steps.entries()) {
    const dargs = s.args.map((a) => subst(a, 'd'));
    // Docker needs --network none here (no bridge); layerbox containers have no network.
    if (dargs[0] === 'run') dargs.splice(1, 0, '--network', 'none');
    const opts = { check: false, ...(s.stdin !== undefined ? { input: s.stdin } : {}) };
    const d: RunResult = await docker.run(dargs, opts);
    const l: RunResult = await layerbox(root, s.args.map((a) => subst(a, 'l')), opts);
    const pair = { docker: { code: d.code ?? -1, stdout: d.stdout }, layerbox: { code: l.code ?? -1, stdout: l.stdout } };
    const what = `step ${i + 1}: ${s.args.join(' ')}\ndocker stderr: ${d.stderr}\nlayerbox stderr: ${l.stderr}`;
    expect(pair.layerbox.code, what).toBe(pair.docker.code);
    if (compare(i) === 'all') expect(pair.layerbox.stdout, what).toBe(pair.docker.stdout);
    if (compare(i) === 'lines') expect(sortedLines(pair.layerbox.stdout), what).toEqual(sortedLines(pair.docker.stdout));
    out.push(pair);
  }
  return out;
}

beforeAll(async () => {
  work = await makeTempDir('lbcli-run-');
  root = join(work, 'store');
  // Busybox with the users and folders box has, so the same commands mean the same.
  const ctx = await writeBusyboxContext(join(work, 'ctx'), { applets: 'all' });
  const etc = join(ctx.dir, 'rootfs', 'etc');
  await mkdir(etc, { recursive: true });
  await writeFile(join(etc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  await writeFile(join(etc, 'group'), 'root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n');
  for (const [d, mode] of [['root', 0o700], ['tmp', 0o1777], ['home/user', 0o755]] as const) {
    await mkdir(join(ctx.dir, 'rootfs', d), { recursive: true });
    await chmod(join(ctx.dir, 'rootfs', d), mode);
  }
  await writeFile(join(ctx.dir, 'Dockerfile'), `${ctx.dockerfile}RUN chown 1000:1000 /home/user\n`);
  await docker.run(['build', '--network', 'none', '-q', '-t', DOCKER_IMAGE, ctx.dir], { env: { DOCKER_BUILDKIT: '1' } });
}, 180_000);

afterAll(async () => {
  await docker.run(['rm', '-f', ...dockerNames], { check: false });
  await docker.run(['volume', 'rm', '-f', ...dockerVolumes], { check: false });
  await docker.run(['rmi', '-f', DOCKER_IMAGE], { check: false });
  if (work) await removeTree(work);
});

describe('a new store', () => {
  test('holds the built-in box image, the same on every machine', async () => {
    const fresh = join(work, 'fresh');
    const r = await layerbox(fresh, ['images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(r.stdout).toBe('box:latest\n');
    const again = join(work, 'fresh2');
    const id = async (root: string) => (await layerbox(root, ['image', 'inspect', '--format', '{{.Id}} {{.Os}}/{{.Architecture}}', 'box'])).stdout;
    expect(await id(again)).toBe(await id(fresh));
    expect(await id(fresh)).toMatch(/^sha256:[0-9a-f]{64} wasi\/wasm\n$/);
    // Removed, it comes back when asked for by name, as `docker run` pulls.
    await layerbox(fresh, ['rmi', 'box']);
    expect((await layerbox(fresh, ['images', '-q'])).stdout).toBe('');
    expect((await layerbox(fresh, ['run', '--rm', 'box', 'echo', 'back'])).stdout).toBe('back\n');
  });

  test('an image that is not there says which exist and how to load others', async () => {
    const r = await layerbox(join(work, 'fresh3'), ['run', '--rm', 'alpine', 'true'], { check: false });
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/Unable to find image 'alpine'.*box:latest.*layerbox load -i/);
  });
});

describe('run, as Docker runs it', () => {
  test('output, pipes and exit statuses', async () => {
    const [pipe] = await both([
      { args: ['run', '--rm', 'IMG', 'sh', '-c', 'echo hello | wc -c'] },
      { args: ['run', '--rm', 'IMG', 'sh', '-c', 'exit 7'] },
      { args: ['run', '--rm', 'IMG', 'false'] },
      { args: ['run', '--rm', 'IMG', 'nosuchcommand'] },
      { args: ['run', '--rm', 'IMG', '/etc/passwd'] },
      { args: ['run', '--rm', 'IMG', 'sh', '-c', 'sleep 10 & kill -9 $!; wait $!'] },
      { args: ['run', '--rm', 'IMG', 'sh', '-c', 'echo gone > /dev/null; head -c 5 /dev/zero | wc -c; test -c /dev/null && test -c /dev/urandom && echo devices'] },
    ]);
    expect(pipe!.layerbox.stdout.trim()).toBe('6');
  });

  test('environment, working directory, user, hostname', async () => {
    await both([
      { args: ['run', '--rm', '-e', 'A=1', '-e', 'B', '-w', '/tmp/new/dir', 'IMG', 'sh', '-c', 'echo "$A:$B"; pwd'] },
      { args: ['run', '--rm', '-u', '1000', 'IMG', 'sh', '-c', 'id -u; id -g; echo $HOME'] },
      { args: ['run', '--rm', '-u', 'user', 'IMG', 'sh', '-c', 'touch /root/x'] },
      { args: ['run', '--rm', '-u', 'user', 'IMG', 'sh', '-c', 'touch /tmp/x && echo ok'] },
      { args: ['run', '--rm', '--hostname', 'teacher', 'IMG', 'hostname'] },
      { args: ['run', '--rm', '--entrypoint', 'echo', 'IMG', 'from', 'entrypoint'] },
    ]);
  });

  test('stdin with -i, and a read-only root', async () => {
    await both([
      { args: ['run', '--rm', '-i', 'IMG', 'sh', '-c', 'tr a-z A-Z; echo done'], stdin: 'shout\n' },
      { args: ['run', '--rm', 'IMG', 'cat'], stdin: 'not passed without -i\n' },
      { args: ['run', '--rm', '--read-only', 'IMG', 'touch', '/x'] },
      { args: ['run', '--rm', '--read-only', '-v', 'VOL:/data', 'IMG', 'sh', '-c', 'echo ok > /data/f && cat /data/f'] },
    ]);
  });

  test('volumes outlive their containers; commit keeps changes and leaves the image as it was', async () => {
    await both([
      { args: ['run', '--rm', '-v', 'VOL:/data', 'IMG', 'sh', '-c', 'echo kept > /data/f'] },
      { args: ['run', '--rm', '-v', 'VOL:/data', 'IMG', 'cat', '/data/f'] },
      { args: ['run', '--name', 'NAME', 'IMG', 'sh', '-c', 'echo changed > /etc/motd; rm /etc/group'] },
      { args: ['diff', 'NAME'] },
      { args: ['commit', 'NAME', `${NS}/committed-NAME`] },
      { args: ['run', '--rm', `${NS}/committed-NAME`, 'sh', '-c', 'cat /etc/motd; test -e /etc/group || echo group is gone'] },
      { args: ['run', '--rm', 'IMG', 'cat', '/etc/motd'] },
    ], (i) => (i === 4 ? 'code' : i === 3 ? 'lines' : 'all'));
    await docker.run(['rmi', '-f', `${NS}/committed-lbrun-${seq}`], { check: false });
  });

  test('logs keep stdout and stderr apart; ps shows the exit code', async () => {
    const r = await both([
      { args: ['run', '--name', 'NAME', 'IMG', 'sh', '-c', 'echo out; echo err >&2; exit 3'] },
      { args: ['logs', 'NAME'] },
      { args: ['ps', '-a', '--filter', 'name=NAME', '--format', '{{.Names}} {{.Command}}'] },
      { args: ['inspect', '--format', '{{.State.ExitCode}} {{.State.Status}}', 'NAME'] },
      { args: ['start', '-a', 'NAME'] },
      { args: ['logs', 'NAME'] },
    ]);
    expect(r[1]!.layerbox.stdout).toBe('out\n');
    // --tail counts lines (Docker writes the two streams in no fixed order, so one stream here).
    await both([
      { args: ['run', '--name', 'NAME', 'IMG', 'seq', '1', '5'] },
      { args: ['logs', '--tail', '2', 'NAME'] },
      { args: ['logs', '--tail', '0', 'NAME'] },
    ]);
  });

  test('detached: exec, stop with a grace period, kill, wait, restart', async () => {
    await both([
      { args: ['run', '-d', '--name', 'NAME', 'IMG', 'sleep', '1000'] },
      { args: ['exec', 'NAME', 'sh', '-c', 'echo inside; echo x > /tmp/made'] },
      { args: ['exec', 'NAME', 'cat', '/tmp/made'] },
      // Docker ends this message with CRLF; the words and the status must match.
      { args: ['exec', 'NAME', 'nosuchcommand'] },
      { args: ['exec', '-i', 'NAME', 'cat'], stdin: 'through exec\n' },
      { args: ['kill', '-s', 'TERM', 'NAME'] },
      { args: ['inspect', '--format', '{{.State.Running}}', 'NAME'] },
      { args: ['stop', '-t', '1', 'NAME'] },
      { args: ['wait', 'NAME'] },
      { args: ['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', 'NAME'] },
      { args: ['restart', '-t', '1', 'NAME'] },
      { args: ['inspect', '--format', '{{.State.Running}}', 'NAME'] },
      { args: ['exec', 'NAME', 'cat', '/tmp/made'] },
      { args: ['kill', 'NAME'] },
      { args: ['wait', 'NAME'] },
      { args: ['rm', 'NAME'] },
    ], (i) => (i === 0 ? 'code' : i === 3 ? 'lines' : 'all'));
  });

  test('attach feeds an open stdin; exec -e overrides the container\'s environment', async () => {
    // Docker's attach may print the output or lose it to a race with the exit; the log
    // and the status are what must agree. layerbox's attach shows the output.
    const r = await both([
      { args: ['run', '-d', '-i', '-e', 'A=1', '--name', 'NAME', 'IMG', 'sh', '-c', 'read x; echo "got $x $A"'] },
      { args: ['exec', '-e', 'A=2', 'NAME', 'sh', '-c', 'echo "$A"'] },
      { args: ['attach', 'NAME'], stdin: 'hello\n' },
      { args: ['wait', 'NAME'] },
      { args: ['logs', 'NAME'] },
    ], (i) => (i === 0 || i === 2 ? 'code' : 'all'));
    expect(r[2]!.layerbox.stdout).toBe('got hello 1\n');
    expect(r[4]!.layerbox.stdout).toBe('got hello 1\n');
  });

  test('a trapped SIGTERM lets pid 1 exit on its own terms', async () => {
    await both([
      { args: ['run', '-d', '--name', 'NAME', 'IMG', 'sh', '-c', 'trap "echo bye; exit 3" TERM; while true; do sleep 0.1; done'] },
      { args: ['stop', '-t', '5', 'NAME'] },
      { args: ['wait', 'NAME'] },
      { args: ['logs', 'NAME'] },
      { args: ['rm', '-f', 'NAME'] },
    ], (i) => (i === 0 ? 'code' : 'all'));
  });

  test('cp into a running container reaches its processes and, when it stops, its layer', async () => {
    const src = join(work, 'cp-src');
    await mkdir(join(src, 'dir', 'sub'), { recursive: true });
    await writeFile(join(src, 'note'), 'hello\n');
    await writeFile(join(src, 'dir', 'a'), 'a\n');
    await writeFile(join(src, 'dir', 'sub', 'b'), 'b\n');
    await chmod(join(src, 'dir', 'a'), 0o640);
    await both(
      [
        { args: ['run', '-d', '--name', 'NAME', 'IMG', 'sleep', '60'] },
        { args: ['cp', join(src, 'note'), 'NAME:/tmp/'] },
        { args: ['cp', join(src, 'dir'), 'NAME:/copied'] },
        { args: ['cp', join(src, 'note'), 'NAME:/copied/sub/renamed'] },
        { args: ['exec', 'NAME', 'cat', '/tmp/note', '/copied/a', '/copied/sub/b', '/copied/sub/renamed'] },
        { args: ['exec', 'NAME', 'stat', '-c', '%n %a %u %g', '/copied', '/copied/a', '/copied/sub/b'] },
        { args: ['cp', join(src, 'dir'), 'NAME:/tmp/note'] },
        { args: ['cp', join(src, 'note'), 'NAME:/missing/dir/'] },
        { args: ['kill', 'NAME'] },
        { args: ['start', 'NAME'] },
        { args: ['exec', 'NAME', 'cat', '/copied/sub/renamed'] },
        { args: ['rm', '-f', 'NAME'] },
      ],
      (i) => (i === 0 || i === 8 ? 'code' : 'all'),
    );
  });

  test('top and ps show CPU time used, not time passed; stats shows the CPU share of a busy container and none of an idle one', async () => {
    await layerbox(root, ['run', '-d', '--name', 'cpu-idle', 'box', 'sleep', '600']);
    await layerbox(root, ['run', '-d', '--name', 'cpu-busy', 'box', 'sh', '-c', 'yes > /dev/null']);
    try {
      const started = Date.parse((await layerbox(root, ['inspect', '-f', '{{.State.StartedAt}}', 'cpu-idle'])).stdout.trim());
      // More than a second of life, and almost no CPU time: sleep waits in a system call.
      await new Promise((r) => setTimeout(r, Math.max(0, started + 1500 - Date.now())));
      const top = (await layerbox(root, ['top', 'cpu-idle'])).stdout.split('\n').filter(Boolean);
      expect(top[0]).toMatch(/^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
      expect(top[1]).toMatch(/^root\s+1\s+0\s+\d+\s+\d\d:\d\d\s+\?\s+00:00:00\s+sleep 600$/);

      const stats = await layerbox(root, ['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.PIDs}}', 'cpu-idle', 'cpu-busy']);
      const [idle, busy] = stats.stdout.trim().split('\n');
      expect(idle).toBe('cpu-idle 0.00% 1');
      const m = /^cpu-busy (\d+\.\d\d)% 2$/.exec(busy ?? '');
      expect(m, busy).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(0);
      // Inside, /proc/<pid>/stat (what ps reads) has the same time, in clock ticks (utime).
      const stat = (await layerbox(root, ['exec', 'cpu-busy', 'cat', '/proc/2/stat'])).stdout.split(' ');
      expect(stat[1]).toBe('(yes)');
      expect(Number(stat[13])).toBeGreaterThan(0);
    } finally {
      // A busy container left running would take a core from every later test.
      await layerbox(root, ['rm', '-f', 'cpu-idle', 'cpu-busy']);
    }
  });

  test('the store is consistent after all of it', async () => {
    await expectStoreChecks(root);
  });
});
