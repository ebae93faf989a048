// The engine service: a command that finds none runs by itself and starts one; later
// commands go through it, from any working directory, with their own input, output,
// environment and status; it leaves when its store does, and a service of another
// build does not serve.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holderListening } from '../../../backend/runtime/holder.ts';
import { makeTempDir, removeTree, run } from '../../harness/peers.ts';
import { layerbox, lines, requireCli } from './cli.ts';

let dir: string;
let root: string;
beforeAll(async () => {
  requireCli();
  dir = await makeTempDir('lbsvc-');
  root = join(dir, 'store');
});
afterAll(async () => {
  await removeTree(dir);
});

const sock = () => join(root, 'engine.sock');

async function waitFor(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pids of the engine services of `store`. */
async function services(store: string): Promise<number[]> {
  const r = await run(['ps', '-eo', 'pid=,args='], { check: false });
  return lines(r.stdout)
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w.includes('__engine') && w[w.indexOf('__engine') + 1] === store)
    .map((w) => Number(w[0]));
}

/**
 * An image `name` of `files` random files of 40 KB, built, saved to DIR/NAME.tar and
 * removed with everything unused, to load again; returns the archive's path.
 */
async function savedAndRemoved(name: string, files: number): Promise<string> {
  const ctx = join(dir, name);
  await mkdir(join(ctx, 'files'), { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(join(ctx, 'files', `f${i}`), randomBytes(40_000));
  await writeFile(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY files/ /files/\n');
  await layerbox(root, ['build', '-q', '-t', name, ctx]);
  const tar = join(dir, `${name}.tar`);
  await layerbox(root, ['save', '-o', tar, name]);
  await layerbox(root, ['rmi', name]);
  await layerbox(root, ['image', 'prune', '-a', '-f']);
  return tar;
}

/** Runs `layerbox --root ROOT ARGS` in `cwd`, presses Ctrl-C once `started` holds, and resolves its exit status. */
async function interrupted(args: string[], what: string, started: () => Promise<boolean>, cwd = dir): Promise<number | null> {
  const child = spawn(process.execPath, [requireCli(), '--root', root, ...args], { stdio: 'ignore', cwd });
  const ended = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  await waitFor(what, started, 20_000);
  child.kill('SIGINT');
  return ended;
}

/** A blob being written under the store's tmp/. */
const writingBlobs = async () => (await readdir(join(root, 'tmp'))).some((n) => n.endsWith('.blob'));

/** After an interrupted command: the store is free again, has no image `name`, no blob left half-written, and checks clean. */
async function keptNothing(name: string): Promise<void> {
  // A command that changes the store waits for the cancelled one to let go of it.
  await layerbox(root, ['volume', 'create', `after-${name}`]);
  expect((await layerbox(root, ['images', '-q', name])).stdout).toBe('');
  expect((await readdir(join(root, 'tmp'))).filter((n) => n.endsWith('.blob'))).toEqual([]);
  const check = await layerbox(root, ['system', 'check'], { env: { LAYERBOX_ENGINE_SERVICE: 'off' }, check: false });
  expect([check.code, check.stderr]).toEqual([0, '']);
}

/** An interrupted save or export to `out`: no file is left, whole or partial. */
async function leftNoFile(out: string): Promise<void> {
  const base = out.slice(out.lastIndexOf('/') + 1);
  await waitFor('the partial file to go', async () => !(await readdir(dir)).some((n) => n.includes(base)), 20_000);
  expect(existsSync(out)).toBe(false);
}

describe('the engine service', () => {
  it('starts after the first command and serves the next ones, holding their containers', async () => {
    const first = await layerbox(root, ['run', '--rm', 'box', 'sh', '-c', 'echo hello | wc -c']);
    expect(first.stdout.trim()).toBe('6');
    await waitFor('the service', () => holderListening(sock()));
    expect(statSync(sock()).mode & 0o777).toBe(0o600);
    const [pid, ...others] = await services(root);
    expect(others).toEqual([]);
    const id = (await layerbox(root, ['run', '-d', 'box', 'sleep', '30'])).stdout.trim();
    // Held by the service itself, not by a monitor of its own.
    expect((await layerbox(root, ['inspect', '--format', '{{.State.Pid}}', id])).stdout.trim()).toBe(String(pid));
    expect((await layerbox(root, ['exec', id, 'echo', 'inside'])).stdout).toBe('inside\n');
    await layerbox(root, ['rm', '-f', id]);
  });

  it('gives each command its own status, output streams, environment and working directory', async () => {
    await waitFor('the service', () => holderListening(sock()));
    const r = await layerbox(root, ['run', '--rm', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { check: false });
    expect([r.code, r.stdout, r.stderr]).toEqual([3, 'out\n', 'err\n']);
    const env = await layerbox(root, ['run', '--rm', '-e', 'FROM_CLIENT', 'box', 'sh', '-c', 'echo $FROM_CLIENT'], { env: { FROM_CLIENT: 'yes' } });
    expect(env.stdout).toBe('yes\n');
    // Relative paths are the command's, not the service's.
    const work = join(dir, 'work');
    await mkdir(work, { recursive: true });
    await writeFile(join(work, 'Dockerfile'), 'FROM box\nCOPY note /note\n');
    await writeFile(join(work, 'note'), 'from the context\n');
    await layerbox(root, ['build', '-q', '-t', 'noted', '-t', 'lb/noted', '.'], { cwd: work });
    // A name with a slash is no container's: inspect finds the image.
    expect((await layerbox(root, ['inspect', '--format', '{{index .RepoTags 0}}', 'lb/noted'])).stdout.trim()).toBe('lb/noted:latest');
    await layerbox(root, ['save', '-o', 'noted.tar', 'noted'], { cwd: work });
    expect(existsSync(join(work, 'noted.tar'))).toBe(true);
    expect((await layerbox(root, ['run', '--rm', 'noted', 'cat', '/note'])).stdout).toBe('from the context\n');
    // So is a relative --root.
    const rel = await run([process.execPath, requireCli(), '--root', 'store', 'images', '--format', '{{.Repository}}'], { cwd: dir });
    expect(lines(rel.stdout).sort()).toEqual(['box', 'lb/noted', 'noted']);
    // Standard input reaches a command that reads it…
    const piped = await layerbox(root, ['run', '-i', '--rm', 'box', 'wc', '-l'], { input: 'a\nb\nc\n' });
    expect(piped.stdout.trim()).toBe('3');
  });

  it('reads standard input only for a command that wants it', async () => {
    await waitFor('the service', () => holderListening(sock()));
    const cli = requireCli();
    // The rest of the input is still there for the next reader, as with docker.
    const r = await run(['sh', '-c', `"${process.execPath}" "${cli}" --root "${root}" images -q >/dev/null; cat`], { input: 'left for cat\n' });
    expect(r.stdout).toBe('left for cat\n');
  });

  it('ends a foreground container whose output nobody reads, with 141', async () => {
    await waitFor('the service', () => holderListening(sock()));
    const cli = requireCli();
    const r = await run(['bash', '-c', `"${process.execPath}" "${cli}" --root "${root}" run --rm box yes | head -2; echo "status \${PIPESTATUS[0]}"`]);
    expect(r.stdout).toBe('y\ny\nstatus 141\n');
    expect((await layerbox(root, ['ps', '-aq'])).stdout).toBe('');
  });

  it('logs -f interrupted with Ctrl-C ends with 130; the container runs on', async () => {
    await waitFor('the service', () => holderListening(sock()));
    const id = (await layerbox(root, ['run', '-d', 'box', 'sh', '-c', 'while :; do echo tick; sleep 0.1; done'])).stdout.trim();
    const follow = spawn(process.execPath, [requireCli(), '--root', root, 'logs', '-f', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    follow.stdout!.on('data', (b: Buffer) => (text += b.toString()));
    const ended = new Promise<number | null>((res) => follow.on('exit', (code) => res(code)));
    await waitFor('the first tick', async () => text.includes('tick'));
    follow.kill('SIGINT');
    expect(await ended).toBe(130);
    expect((await layerbox(root, ['inspect', '--format', '{{.State.Running}}', id])).stdout.trim()).toBe('true');
    await layerbox(root, ['rm', '-f', id]);
  });

  it('does not serve a command of another build; that command runs by itself', async () => {
    await waitFor('the service', () => holderListening(sock()));
    const [pid] = await services(root);
    process.kill(pid!, 'SIGKILL');
    await waitFor('the old service to go', async () => !(await holderListening(sock())));
    // A service of some other build takes the socket.
    const other = spawn(process.execPath, [requireCli(), '__engine', root, 'another-build'], { detached: true, stdio: 'ignore' });
    other.unref();
    await waitFor('the other service', () => holderListening(sock()));
    const r = await layerbox(root, ['run', '--rm', 'box', 'echo', 'still runs']);
    expect(r.stdout).toBe('still runs\n');
    // It leaves, and a service of this build takes its place.
    await waitFor('the other build to leave', async () => !(await services(root)).includes(other.pid!));
    await layerbox(root, ['images', '-q']);
    await waitFor('a new service', async () => (await services(root)).length === 1 && (await holderListening(sock())));
  });

  it('killed in the middle of a load, leaves a store that checks clean; the command says it ended', async () => {
    await waitFor('the service', () => holderListening(sock()));
    const tar = await savedAndRemoved('big', 600);
    const [pid] = await services(root);
    const load = run([process.execPath, requireCli(), '--root', root, 'load', '-i', tar], { check: false });
    // Killed once it is writing blobs.
    await waitFor('the load to write', async () => (await readdir(join(root, 'tmp'))).some((n) => n.endsWith('.blob')), 20_000);
    process.kill(pid!, 'SIGKILL');
    const r = await load;
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/engine service .* stopped before the command ended/);
    const check = await layerbox(root, ['system', 'check'], { env: { LAYERBOX_ENGINE_SERVICE: 'off' }, check: false });
    expect([check.code, check.stderr]).toEqual([0, '']);
    await layerbox(root, ['load', '-i', tar]);
    expect((await layerbox(root, ['images', '--format', '{{.Repository}}', 'big'])).stdout).toBe('big\n');
  });

  it('a load interrupted with Ctrl-C ends with 130 and keeps nothing; so does a save', async () => {
    await waitFor('the service', () => holderListening(sock()));
    const tar = await savedAndRemoved('bigger', 1500);
    expect(await interrupted(['load', '-i', tar], 'the load to write', writingBlobs)).toBe(130);
    await keptNothing('bigger');

    await layerbox(root, ['load', '-i', tar]);
    const out = join(dir, 'again.tar');
    expect(await interrupted(['save', '-o', out, 'bigger'], 'the save to write', async () => (await readdir(dir)).some((n) => n.startsWith('.again.tar.')))).toBe(130);
    await leftNoFile(out);
  });

  it('an import interrupted with Ctrl-C ends with 130 and keeps nothing; so does an export', async () => {
    await waitFor('the service', () => holderListening(sock()));
    // A root filesystem tarball of 1,500 random files of 40 KB.
    const rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'files'), { recursive: true });
    for (let i = 0; i < 1500; i++) await writeFile(join(rootfs, 'files', `f${i}`), randomBytes(40_000));
    const tar = join(dir, 'rootfs.tar');
    await run(['tar', '-C', rootfs, '-cf', tar, '.']);
    expect(await interrupted(['import', tar, 'imported'], 'the import to write', writingBlobs)).toBe(130);
    await keptNothing('imported');

    await layerbox(root, ['import', tar, 'imported']);
    await layerbox(root, ['create', '--name', 'to-export', 'imported', 'true']);
    const out = join(dir, 'exported.tar');
    expect(await interrupted(['export', '-o', out, 'to-export'], 'the export to write', async () => (await readdir(dir)).some((n) => n.startsWith('.exported.tar.')))).toBe(130);
    await leftNoFile(out);
    await layerbox(root, ['rm', 'to-export']);
  });

  it('a build interrupted with Ctrl-C in a long RUN step ends the step at once and keeps nothing', async () => {
    await waitFor('the service', () => holderListening(sock()));
    const ctx = join(dir, 'long-run');
    await mkdir(ctx, { recursive: true });
    await writeFile(join(ctx, 'Dockerfile'), 'FROM box\nRUN echo started && sleep 3600\n');
    const b = spawn(process.execPath, [requireCli(), '--root', root, 'build', '--progress=plain', '-t', 'long-run', ctx], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    b.stderr!.on('data', (c: Buffer) => (text += c.toString()));
    b.stdout!.on('data', (c: Buffer) => (text += c.toString()));
    const ended = new Promise<number | null>((res) => b.on('exit', (code) => res(code)));
    await waitFor('the RUN step to start', async () => /\bstarted\b/.test(text.replace(/RUN echo started/g, '')), 30_000);
    b.kill('SIGINT');
    expect(await ended).toBe(130);
    // The store's lock is free again: the step's processes were ended, not waited for
    // (an hour), so a command that changes the store runs now.
    await layerbox(root, ['volume', 'create', 'after-build']);
    expect((await layerbox(root, ['images', '-q', 'long-run'])).stdout).toBe('');
    expect((await layerbox(root, ['ps', '-aq'])).stdout).toBe('');
  });

  it('leaves when its store is removed', async () => {
    await waitFor('the service', () => holderListening(sock()));
    // Two commands that found none may each have started one: the second finds the
    // service lock taken and leaves.
    await waitFor('one service', async () => (await services(root)).length === 1);
    await removeTree(root);
    await waitFor('the service to leave', async () => (await services(root)).length === 0);
  });

  it('is not used or started with LAYERBOX_ENGINE_SERVICE=off', async () => {
    const off = join(dir, 'off');
    const env = { LAYERBOX_ENGINE_SERVICE: 'off' };
    const r = await layerbox(off, ['run', '--rm', 'box', 'cat', '/etc/os-release'], { env });
    expect(r.stdout).toMatch(/layerbox/i);
    await new Promise((res) => setTimeout(res, 1500));
    expect(await services(off)).toEqual([]);
    expect(existsSync(join(off, 'engine.sock'))).toBe(false);
    expect(await readFile(join(off, 'layout-version'), 'utf8')).toBe('1\n');
  });
});
