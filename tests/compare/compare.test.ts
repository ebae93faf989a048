// The Dockerfile comparison table (see README.md): every case under cases/ is built by
// Docker 20.10 with BuildKit and by `layerbox build`, both images are saved and dumped by
// the independent reader in tests/harness/image-dump.ts, and the dumps must agree in
// config, history, layer contents and merged filesystem. Timestamps are never compared.
// Each case also checks that the live Docker still does what its docker.json records.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Docker } from '../harness/docker.ts';
import { makeTempDir, removeTree } from '../harness/tmp.ts';
import { Builds, dockerBuilder, layerboxBuilder, openDocker } from './builders.ts';
import { loadCases } from './cases.ts';
import { diffDumps, SECTIONS } from './diff.ts';
import { busyboxDigest, checkDeclared, checkReference, readReference } from './reference.ts';

const cases = await loadCases();
const byName = new Map(cases.map((c) => [c.name, c]));

/** A case may first build its base images; each build is bounded by the builders' own timeout. */
const CASE_TIMEOUT_MS = 300_000;

describe('Dockerfile builds: layerbox against Docker 20.10 with BuildKit', () => {
  let work: string;
  let docker: Docker;
  let stopDocker: (() => Promise<void>) | undefined;
  let dockerBuilds: Builds;
  let layerboxBuilds: Builds;
  let busybox: string;

  beforeAll(async () => {
    ({ docker, stop: stopDocker } = await openDocker());
    work = await makeTempDir('lbcmp-');
    const root = join(work, 'layerbox-root');
    await mkdir(root);
    dockerBuilds = new Builds(dockerBuilder(docker), byName, work);
    layerboxBuilds = new Builds(layerboxBuilder(root), byName, work);
    busybox = await busyboxDigest();
  }, 120_000);

  afterAll(async () => {
    await dockerBuilds?.cleanup();
    if (work) await removeTree(work);
    await stopDocker?.();
  }, 120_000);

  test('the table has cases, each with a recorded Docker result', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const unrecorded = [];
    for (const c of cases) if ((await readReference(c)) === undefined) unrecorded.push(c.name);
    expect(unrecorded, 'cases without docker.json').toEqual([]);
  });

  for (const c of cases) {
    describe(c.name, () => {
      test('Docker builds it as docker.json records', async () => {
        const live = await dockerBuilds.outcome(c);
        expect(checkDeclared(c, 'docker', live), 'Docker against case.json').toEqual([]);
        expect(checkReference(c, live, await readReference(c), busybox), 'live Docker against docker.json').toEqual([]);
      }, CASE_TIMEOUT_MS);

      test('layerbox builds what Docker builds', async () => {
        const theirs = await dockerBuilds.outcome(c);
        expect(checkDeclared(c, 'docker', theirs), 'Docker against case.json').toEqual([]);
        const ours = await layerboxBuilds.outcome(c);
        expect(checkDeclared(c, 'layerbox', ours), 'layerbox against case.json').toEqual([]);
        if (!theirs.ok || !ours.ok || !theirs.dump || !ours.dump) return;
        const diff = diffDumps(theirs.dump, ours.dump, { a: 'docker', b: 'layerbox' });
        for (const section of SECTIONS) expect.soft(diff[section], `${c.name}: ${section}`).toEqual([]);
      }, CASE_TIMEOUT_MS);
    });
  }
});
