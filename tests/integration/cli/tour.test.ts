// `npm start`'s guided tour runs from start to end against a scratch store and shows
// what it promises: RUN in a build, a container's output, its diff, a commit, a detached
// container stopped with its log.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTempDir, removeTree, run } from '../../harness/peers.ts';
import { requireCli } from './cli.ts';

const TOUR = fileURLToPath(new URL('../../../backend/tour/tour.mjs', import.meta.url));
let work: string;

beforeAll(async () => {
  requireCli();
  work = await makeTempDir('lbcli-tour-');
});
afterAll(async () => {
  if (work) await removeTree(work);
});

test('the tour runs to its end', async () => {
  const r = await run([process.execPath, TOUR], { env: { LAYERBOX_TOUR_ROOT: join(work, 'store') }, timeoutMs: 180_000 });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/RUN \/bin\/sh -c wc -c \/srv\/site\/index\.html/);
  expect(r.stdout).toMatch(/hello from layerbox, I am root in \/srv\/site/);
  expect(r.stdout).toMatch(/^A \/srv\/site\/about\.html$/m);
  expect(r.stdout).toMatch(/^D \/etc\/motd$/m);
  expect(r.stdout).toMatch(/<p>Added inside the container\.<\/p>/);
  expect(r.stdout).toMatch(/^bye$/m);
  expect(r.stdout).toMatch(/wrote .*hello-v2\.tar/);
}, 200_000);
