// Crash safety of the store on disk: `layerbox load` of a large image archive (2,000
// files, 150 MB of random data, written by `docker save`) and `layerbox build` of the
// same large context are started again and again against one store and killed with
// SIGKILL after a random 50–1500 ms. Loads of a small image killed at a random moment of
// their whole run, and loads of a 400-file image killed just as their first blob lands
// in blobs/ (mid-flush, before the refs flip), are mixed in. After every kill
// `system check` must pass (every blob hashes to its name, every ref's closure is
// stored, no stray temp files) and `images` must list only images that were loaded
// whole. At the end a normal load of the large archive succeeds.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeBusyboxContext } from '../../harness/busybox-image.ts';
import { dockerFromEnv, makeTempDir, removeTree } from '../../harness/peers.ts';
import { expectStoreChecks, imageRows, layerbox, lines, prng, requireCli } from './cli.ts';

const FILES = 2000;
const FILE_BYTES = 75 * 1024;
const ROUNDS = 16;
const BIG = 'localhost/lbcli-crash/big:1';
const SMALL = 'localhost/lbcli-crash/small:1';
const MEDIUM = 'localhost/lbcli-crash/medium:1';
const MEDIUM_FILES = 400;
/** Rounds whose medium load is killed just after its first blob lands in blobs/. */
const FLUSH_ROUNDS = 4;

interface Outcome {
  /** Exit code when it ended by itself; null when the kill got it first. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Start `layerbox ARGS` and SIGKILL it after `killAfterMs`, or, with `when`, `killAfterMs`
 * after `when()` first answers true (polled every few milliseconds), unless it has
 * ended by then. Only this child is ever signalled, by its own handle.
 */
function runAndKill(root: string, args: readonly string[], killAfterMs: number, when?: () => Promise<boolean>): Promise<Outcome> {
  // Each command does its own work, so the kill lands on the process writing the store
  // (through an engine service it would only end the client).
  const child = spawn(process.execPath, [requireCli(), '--root', root, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LAYERBOX_ENGINE_SERVICE: 'off' },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  let ended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => (timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs));
  if (!when) arm();
  else
    void (async () => {
      while (!ended && !(await when())) await sleep(2);
      if (!ended) arm();
    })();
  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      ended = true;
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      ended = true;
      clearTimeout(timer);
      resolve({ code: signal ? null : code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

describe('SIGKILL at random moments', () => {
  const docker = dockerFromEnv();
  let work: string;
  let bigContext: string;
  let bigArchive: string;
  let bigId: string;
  let smallArchive: string;
  let smallId: string;
  let mediumArchive: string;
  let mediumId: string;

  beforeAll(async () => {
    requireCli();
    work = await makeTempDir('lbcli-crash-');
    bigContext = join(work, 'big-ctx');
    for (let i = 0; i < FILES; i++) {
      const dir = join(bigContext, 'files', `d${String(i % 40).padStart(2, '0')}`);
      if (i < 40) await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `f${String(i).padStart(4, '0')}.bin`), randomBytes(FILE_BYTES));
    }
    await writeFile(join(bigContext, 'Dockerfile'), 'FROM scratch\nCOPY files/ /data/\n');
    bigId = (await docker.run(['build', '-q', '-t', BIG, bigContext], { env: { DOCKER_BUILDKIT: '1' }, timeoutMs: 300_000 })).stdout.trim();
    bigArchive = join(work, 'big.tar');
    await docker.run(['save', '-o', bigArchive, BIG], { timeoutMs: 300_000 });
    await docker.run(['image', 'rm', BIG]);

    const setup = join(work, 'setup-store');
    const ctx = await writeBusyboxContext(join(work, 'small-ctx'));
    smallId = (await layerbox(setup, ['build', '-q', '-t', SMALL, ctx.dir])).stdout.trim();
    smallArchive = join(work, 'small.tar');
    await layerbox(setup, ['save', '-o', smallArchive, SMALL]);
    // Many small files: its flush renames hundreds of blobs, a window a kill can hit.
    const mediumContext = join(work, 'medium-ctx');
    for (let i = 0; i < MEDIUM_FILES; i++) {
      const dir = join(mediumContext, 'files', `d${i % 10}`);
      if (i < 10) await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `f${i}`), randomBytes(2048));
    }
    await writeFile(join(mediumContext, 'Dockerfile'), 'FROM scratch\nCOPY files/ /m/\n');
    mediumId = (await layerbox(setup, ['build', '-q', '-t', MEDIUM, mediumContext])).stdout.trim();
    mediumArchive = join(work, 'medium.tar');
    await layerbox(setup, ['save', '-o', mediumArchive, MEDIUM]);
    for (const id of [bigId, smallId, mediumId]) expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
  }, 600_000);

  afterAll(async () => {
    if (work) await removeTree(work);
  });

  test(`${ROUNDS} rounds of killed loads and builds leave a store that checks clean`, { timeout: 900_000 }, async () => {
    const root = join(work, 'store');
    const rnd = prng(0x5eed_c0de);
    const delay = () => 50 + Math.floor(rnd() * 1450);
    let finishedLoads = 0;
    const whole = [`${BIG} ${bigId}`, `${SMALL} ${smallId}`];
    // How long a whole small load takes here, so that kills of small loads can land
    // anywhere in it, flush and ref update included, however loaded the machine is.
    const started = performance.now();
    await layerbox(join(work, 'timing-store'), ['load', '-q', '-i', smallArchive]);
    const smallMs = performance.now() - started;
    // Anywhere in the run, or (every other time) late in it, where blobs are flushed and refs flipped.
    const smallDelay = (round: number) =>
      Math.round(round % 4 === 1 ? 50 + rnd() * smallMs * 1.1 : smallMs * (0.6 + rnd() * 0.5));
    for (let round = 0; round < ROUNDS; round++) {
      // Even rounds: the large load and the large build at once (one waits for the
      // other's lock). Odd rounds: a small load alone, killed anywhere in its run.
      const [load, build] =
        round % 2 === 0
          ? await Promise.all([
              runAndKill(root, ['load', '-q', '-i', bigArchive], delay()),
              runAndKill(root, ['build', '-q', '-t', `localhost/lbcli-crash/built:${round}`, bigContext], delay()),
            ])
          : [await runAndKill(root, ['load', '-q', '-i', smallArchive], smallDelay(round)), { code: null, stdout: '', stderr: '' }];
      const what = `round ${round}: load ${load.code ?? 'killed'}, build ${build.code ?? 'killed'}`;
      // Anything that ended by itself ended well (a waiter for the lock may have been killed instead).
      if (load.code !== null) expect(load.code, `${what}: ${load.stderr}`).toBe(0);
      if (build.code !== null) expect(build.code, `${what}: ${build.stderr}`).toBe(0);
      if (load.code === 0) finishedLoads++;
      if (build.code === 0) whole.push(`localhost/lbcli-crash/built:${round} ${build.stdout.trim()}`);

      await expectStoreChecks(root);
      // Only whole images: the ones the archives hold under their own tags, and builds
      // that finished (a build of 150 MB rarely does within 1.5 s).
      for (const row of await imageRows(root)) {
        expect(whole, what).toContain(row);
        const history = await layerbox(root, ['history', '-q', row.split(' ')[0]!]);
        expect(lines(history.stdout).length, `${what}: history of ${row}`).toBeGreaterThan(0);
      }
      // A small image loaded whole is removed again, so the next small load has blobs to write.
      if (round % 2 === 1 && load.code === 0) await layerbox(root, ['rmi', SMALL]);
    }
    // Kills aimed at the commit: the moment the first new blob file appears in
    // blobs/sha256 (the flush has begun), wait 0–30 ms and kill. Refs must then either
    // name a whole image or nothing; orphaned blobs are allowed and pruned before the next.
    const blobsDir = join(root, 'blobs', 'sha256');
    let midFlush = 0;
    for (let round = 0; round < FLUSH_ROUNDS; round++) {
      const baseline = (await readdir(blobsDir)).length;
      const load = await runAndKill(root, ['load', '-q', '-i', mediumArchive], Math.floor(rnd() * 30), async () => (await readdir(blobsDir)).length > baseline);
      const what = `flush round ${round}: load ${load.code ?? 'killed'}`;
      if (load.code !== null) expect(load.code, `${what}: ${load.stderr}`).toBe(0);
      const rows = await imageRows(root);
      if (load.code === null && !rows.some((r) => r.startsWith(`${MEDIUM} `)) && (await readdir(blobsDir)).length > baseline) midFlush++;
      await expectStoreChecks(root);
      for (const row of rows) expect([...whole, `${MEDIUM} ${mediumId}`], what).toContain(row);
      await layerbox(root, ['rmi', '--force', MEDIUM], { check: false });
      await layerbox(root, ['system', 'prune', '--all', '--force']);
      await expectStoreChecks(root);
    }
    console.log(
      `crash rounds: a whole small load took ${Math.round(smallMs)} ms; ${finishedLoads} of ${ROUNDS} loads finished before their kill; ` +
        `${midFlush} of ${FLUSH_ROUNDS} medium loads were killed after blobs landed and before their refs`,
    );

    const r = await layerbox(root, ['load', '-i', bigArchive], { timeoutMs: 600_000 });
    expect(r.stdout).toMatch(new RegExp(`^Loaded image: ${BIG.replace(/[./]/g, '\\$&')}$`, 'm'));
    expect(await imageRows(root)).toContain(`${BIG} ${bigId}`);
    await expectStoreChecks(root);
  });
});

