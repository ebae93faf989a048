// The `layerbox` command against the real tools: what it builds and saves runs in
// Docker with the same image ID; what Docker, skopeo and podman write loads into it with
// the ID Docker gives the same image and survives a round trip; skopeo and umoci read
// its archives; commit, diff, history, cp and volumes behave as Docker's do for the same
// sequence of commands.
import { chmod, link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeBusyboxContext } from '../../harness/busybox-image.ts';
import {
  busyboxDockerArchive,
  busyboxOciArchive,
  busyboxOciLayout,
  busyboxPodmanArchive,
  FIXTURE_IMAGE,
  FIXTURE_OCI_TAG,
} from '../../harness/fixtures.ts';
import { dockerFromEnv, makeTempDir, removeTree, run, skopeo, umoci } from '../../harness/peers.ts';
import {
  describeDir,
  describeTar,
  expectOneLineError,
  expectStoreChecks,
  imageId,
  imageRows,
  layerbox,
  layerboxFails,
  lines,
  type FsEntry,
} from './cli.ts';

const docker = dockerFromEnv();
/** Every name this file gives an image or container in Docker starts with this. */
const NS = 'localhost/lbcli-interop';
const ID = /^sha256:[0-9a-f]{64}$/;

/** Names this file gave images in Docker, and IDs it loaded untagged (maybe also another test's image). */
const dockerImages: string[] = [];
const untaggedIds: string[] = [];
const dockerContainers: string[] = [];

/** `docker load -i FILE`; returns what it printed (`Loaded image: …` / `Loaded image ID: …`). */
async function dockerLoad(file: string): Promise<string> {
  const { stdout } = await docker.run(['load', '-i', file]);
  return stdout.trim();
}

async function dockerId(name: string): Promise<string> {
  return (await docker.run(['image', 'inspect', '--format', '{{.Id}}', name])).stdout.trim();
}

/** Rewrites a docker-archive without its tags, so `docker load` reports the ID and retags nothing. */
const STRIP_TAGS = String.raw`
import io, json, sys, tarfile
src, dst = sys.argv[1:3]
with tarfile.open(src) as s, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as d:
    for m in s:
        if m.name == "repositories":
            continue
        if m.name == "manifest.json":
            entries = json.load(s.extractfile(m))
            for e in entries:
                e["RepoTags"] = None
            b = json.dumps(entries).encode()
            m.size = len(b)
            d.addfile(m, io.BytesIO(b))
            continue
        d.addfile(m, s.extractfile(m) if m.isfile() else None)
`;

/** The ID Docker gives the image in a docker-archive, without touching any tag. */
async function dockerIdOfArchive(archive: string, scratch: string): Promise<string> {
  const untagged = join(scratch, 'untagged.tar');
  await run(['python3', '-c', STRIP_TAGS, archive, untagged]);
  const said = await dockerLoad(untagged);
  const m = /^Loaded image ID: (sha256:[0-9a-f]{64})$/m.exec(said);
  if (!m) throw new Error(`docker load of an untagged archive said: ${said}`);
  untaggedIds.push(m[1]!);
  return m[1]!;
}

/** Rows of `history` as `CREATED BY | SIZE | COMMENT`, newest first. */
async function historyRows(tool: 'layerbox' | 'docker', root: string, image: string): Promise<string[]> {
  const args = ['history', '--no-trunc', '--format', '{{.CreatedBy}} | {{.Size}} | {{.Comment}}', image];
  const r = tool === 'docker' ? await docker.run(args) : await layerbox(root, args);
  return lines(r.stdout);
}

let work: string;

beforeAll(async () => {
  work = await makeTempDir('lbcli-interop-');
});

afterAll(async () => {
  for (const c of dockerContainers) await docker.run(['rm', '--force', c], { check: false });
  for (const i of dockerImages.reverse()) await docker.run(['image', 'rm', '--force', i], { check: false });
  // An ID is removed only while nothing names it: the fixtures' image in Docker has the same ID.
  for (const id of untaggedIds) {
    const tags = await docker.run(['image', 'inspect', '--format', '{{len .RepoTags}}', id], { check: false });
    if (tags.stdout.trim() === '0') await docker.run(['image', 'rm', id], { check: false });
  }
  await removeTree(work);
});

describe('build → save → docker load → docker run', { timeout: 300_000 }, () => {
  test('the image runs in Docker, under the ID layerbox printed', async () => {
    const root = join(work, 'build-run');
    const ctx = await writeBusyboxContext(join(work, 'build-run-ctx'));
    const tag = `${NS}/busybox:built`;
    const built = (await layerbox(root, ['build', '-q', '-t', tag, ctx.dir])).stdout.trim();
    expect(built).toMatch(ID);
    expect((await layerbox(root, ['images', '-q', '--no-trunc', tag])).stdout.trim()).toBe(built);

    const archive = join(work, 'built.tar');
    await layerbox(root, ['save', '-o', archive, tag]);
    dockerImages.push(tag);
    expect(await dockerLoad(archive)).toBe(`Loaded image: ${tag}`);
    expect(await dockerId(tag)).toBe(built);
    const ran = await docker.run(['run', '--rm', '--network', 'none', tag, 'echo', 'hi']);
    expect(ran.stdout).toBe('hi\n');
  });
});

describe('load what the peers write', { timeout: 300_000 }, () => {
  /** Each fixture; `tag` is what the format carries (a bare `oci:dir:latest` names no repository). */
  const FIXTURES: Array<{ name: string; tag: string | null; kind: 'docker-archive' | 'oci'; path: () => Promise<string> }> = [
    { name: 'docker save (docker-archive)', tag: FIXTURE_IMAGE, kind: 'docker-archive', path: busyboxDockerArchive },
    { name: 'skopeo OCI layout folder', tag: null, kind: 'oci', path: busyboxOciLayout },
    { name: 'skopeo oci-archive', tag: FIXTURE_IMAGE, kind: 'oci', path: busyboxOciArchive },
    {
      name: 'skopeo docker-archive',
      tag: FIXTURE_IMAGE,
      kind: 'docker-archive',
      path: async () => {
        const target = join(work, 'skopeo-docker-archive.tar');
        await skopeo(['copy', `oci:${await busyboxOciLayout()}:${FIXTURE_OCI_TAG}`, `docker-archive:${target}:${FIXTURE_IMAGE}`]);
        return target;
      },
    },
    { name: 'podman save docker-archive', tag: FIXTURE_IMAGE, kind: 'docker-archive', path: () => busyboxPodmanArchive('docker-archive') },
    { name: 'podman save oci-archive', tag: FIXTURE_IMAGE, kind: 'oci', path: () => busyboxPodmanArchive('oci-archive') },
  ];

  let n = 0;
  test.each(FIXTURES.map((f) => [f.name, f] as const))('%s: same ID as Docker, kept through save and docker load', async (_name, f) => {
    const i = ++n;
    const scratch = join(work, `fixture-${i}`);
    await mkdir(scratch);
    const root = join(scratch, 'store');
    const input = await f.path();

    // Docker's ID for the same image: OCI formats reach Docker through skopeo's docker-archive.
    let dockerArchive = input;
    if (f.kind === 'oci') {
      dockerArchive = join(scratch, 'via-skopeo.tar');
      const src = input.endsWith('.tar') ? `oci-archive:${input}` : `oci:${input}:${FIXTURE_OCI_TAG}`;
      await skopeo(['copy', src, `docker-archive:${dockerArchive}`]);
    }
    const expected = await dockerIdOfArchive(dockerArchive, scratch);

    const loaded = await layerbox(root, ['load', '-i', input]);
    // (A load that takes over a second also prints progress lines before these.)
    expect(lines(loaded.stdout).filter((l) => l.startsWith('Loaded image'))).toEqual([
      f.tag ? `Loaded image: ${f.tag}` : `Loaded image ID: ${expected}`,
    ]);
    expect(await imageRows(root)).toEqual([`${f.tag ?? '<none>:<none>'} ${expected}`]);
    await expectStoreChecks(root);

    // Round trip under a tag of our own, so no other test's tag moves in Docker.
    const rt = `${NS}/roundtrip-${i}:1`;
    await layerbox(root, ['tag', expected, rt]);
    const again = join(scratch, 'again.tar');
    await layerbox(root, ['save', '-o', again, rt]);
    dockerImages.push(rt);
    expect(await dockerLoad(again)).toBe(`Loaded image: ${rt}`);
    expect(await dockerId(rt)).toBe(expected);
  });
});

describe('skopeo and umoci read what layerbox writes', { timeout: 300_000 }, () => {
  const tag = `${NS}/rich:v2`;
  let root: string;
  let id: string;
  let archive: string;

  beforeAll(async () => {
    root = join(work, 'rich');
    // Modes that are easy to lose: setuid, setgid, sticky, private folders, empty files,
    // symlinks, hard links; and a second layer made by commit.
    const ctx = await writeBusyboxContext(join(work, 'rich-ctx'));
    const srv = join(ctx.dir, 'rootfs', 'srv');
    await mkdir(join(srv, 'private'), { recursive: true });
    await mkdir(join(srv, 'sticky'));
    await writeFile(join(srv, 'secret'), 'secret\n');
    await chmod(join(srv, 'secret'), 0o600);
    await writeFile(join(srv, 'empty'), '');
    await writeFile(join(srv, 'tool'), '#!/bin/sh\n');
    await chmod(join(srv, 'tool'), 0o4755);
    await writeFile(join(srv, 'private', 'p'), 'p\n');
    await chmod(join(srv, 'private'), 0o700);
    await chmod(join(srv, 'sticky'), 0o1777);
    await symlink('private', join(srv, 'link'));
    await writeFile(join(srv, 'hard1'), 'h\n');
    await chmod(join(srv, 'hard1'), 0o2750);
    await link(join(srv, 'hard1'), join(srv, 'hard2'));
    await layerbox(root, ['build', '-q', '-t', `${NS}/rich:v1`, ctx.dir]);
    const added = join(work, 'rich-added.txt');
    await writeFile(added, 'added by cp\n');
    await layerbox(root, ['create', '--name', 'rich-c', `${NS}/rich:v1`]);
    await layerbox(root, ['cp', added, 'rich-c:/srv/added.txt']);
    id = (await layerbox(root, ['commit', 'rich-c', tag])).stdout.trim();
    expect(id).toMatch(ID);
    archive = join(work, 'rich.tar');
    await layerbox(root, ['save', '-o', archive, tag]);
  }, 300_000);

  test('skopeo copies the oci-archive (checking every blob) and its config digest is the image ID', async () => {
    const layout = join(work, 'rich-oci');
    await skopeo(['copy', `oci-archive:${archive}:v2`, `oci:${layout}:v2`]);
    const manifest = JSON.parse((await skopeo(['inspect', '--raw', `oci:${layout}:v2`])).stdout) as {
      config: { digest: string };
      layers: unknown[];
    };
    expect(manifest.config.digest).toBe(id);
    expect(manifest.layers).toHaveLength(2);
    const diffIds = JSON.parse((await layerbox(root, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', tag])).stdout) as string[];
    const config = JSON.parse((await skopeo(['inspect', '--config', '--raw', `oci:${layout}:v2`])).stdout) as { rootfs: { diff_ids: string[] } };
    expect(config.rootfs.diff_ids).toEqual(diffIds);
  });

  test('skopeo copies the docker-archive view of the same file', async () => {
    const rawConfig = (await skopeo(['inspect', '--config', '--raw', `docker-archive:${archive}`])).stdout;
    const { createHash } = await import('node:crypto');
    expect(`sha256:${createHash('sha256').update(rawConfig).digest('hex')}`).toBe(id);
    const layout = join(work, 'rich-from-docker-archive');
    await skopeo(['copy', `docker-archive:${archive}`, `oci:${layout}:v2`]);
    // skopeo rewrites a docker-archive's config when it converts to OCI, so compare layers.
    const diffIds = JSON.parse((await layerbox(root, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', tag])).stdout) as string[];
    const config = JSON.parse((await skopeo(['inspect', '--config', '--raw', `oci:${layout}:v2`])).stdout) as { rootfs: { diff_ids: string[] } };
    expect(config.rootfs.diff_ids).toEqual(diffIds);
  });

  test('umoci unpacks the same root filesystem layerbox exports for a container of the image', async () => {
    const layout = join(work, 'rich-umoci');
    await skopeo(['copy', `oci-archive:${archive}:v2`, `oci:${layout}:v2`]);
    const bundle = join(work, 'rich-bundle');
    await umoci(['unpack', '--image', `${layout}:v2`, bundle]);
    await layerbox(root, ['create', '--name', 'rich-export', tag]);
    const exported = join(work, 'rich-export.tar');
    await layerbox(root, ['export', '-o', exported, 'rich-export']);
    const fromUmoci = await describeDir(join(bundle, 'rootfs'));
    const fromExport = await describeTar(exported);
    expect(fromExport.map((e) => e.path)).toContain('/srv/added.txt');
    expect(fromExport.find((e) => e.path === '/srv/tool')?.mode).toBe('4755');
    // Whether two names share one file is checked on its own below.
    const unlinked = (es: FsEntry[]) => es.map(({ hardlink: _, ...e }) => e);
    expect(unlinked(fromExport)).toEqual(unlinked(fromUmoci));
  });

  test('export keeps hard links, as docker export does', async () => {
    // The layer has them: umoci unpacks /srv/hard2 as a second name of /srv/hard1.
    const layout = join(work, 'rich-hardlinks');
    await skopeo(['copy', `oci-archive:${archive}:v2`, `oci:${layout}:v2`]);
    const bundle = join(work, 'rich-hardlinks-bundle');
    await umoci(['unpack', '--image', `${layout}:v2`, bundle]);
    const unpacked = await describeDir(join(bundle, 'rootfs'));
    expect(unpacked.find((e) => e.path === '/srv/hard2')?.hardlink).toBe('/srv/hard1');

    dockerImages.push(tag);
    expect(await dockerLoad(archive)).toBe(`Loaded image: ${tag}`);
    const name = `lbcli-interop-export-${process.pid}`;
    dockerContainers.push(name);
    await docker.run(['create', '--name', name, tag]);
    const dockerExport = join(work, 'rich-docker-export.tar');
    await docker.run(['export', '-o', dockerExport, name]);
    await layerbox(root, ['create', '--name', 'rich-export-links', tag]);
    const ours = join(work, 'rich-export-links.tar');
    await layerbox(root, ['export', '-o', ours, 'rich-export-links']);
    const srv = (es: FsEntry[]) => es.filter((e) => e.path.startsWith('/srv/'));
    const fromDocker = srv(await describeTar(dockerExport));
    expect(fromDocker.find((e) => e.path === '/srv/hard2')?.hardlink).toBe('/srv/hard1');
    expect(srv(await describeTar(ours))).toEqual(fromDocker);
  });
});

describe('commit, diff and history as Docker does them', { timeout: 300_000 }, () => {
  const base = `${NS}/busybox:base`;
  let root: string;
  let baseId: string;
  let host: string;

  /** What a fresh container of `image` holds, through `export`. */
  async function exportOf(image: string, name: string) {
    await layerbox(root, ['create', '--name', name, image]);
    const file = join(work, `${name}.tar`);
    await layerbox(root, ['export', '-o', file, name]);
    return describeTar(file);
  }

  beforeAll(async () => {
    root = join(work, 'commit');
    const ctx = await writeBusyboxContext(join(work, 'commit-ctx'));
    baseId = (await layerbox(root, ['build', '-q', '-t', base, ctx.dir])).stdout.trim();
    const archive = join(work, 'commit-base.tar');
    await layerbox(root, ['save', '-o', archive, base]);
    dockerImages.push(base);
    await dockerLoad(archive);
    expect(await dockerId(base)).toBe(baseId);
    host = join(work, 'commit-host');
    await mkdir(join(host, 'sub'), { recursive: true });
    await writeFile(join(host, 'new.txt'), 'hello\n');
    await writeFile(join(host, 'sub', 'deep.txt'), 'deep\n');
    await writeFile(join(host, 'replacement'), 'not busybox any more\n');
  }, 300_000);

  test('the same create, cp and commit give the same diff and history rows; the old image is untouched', async () => {
    const beforeExport = await exportOf(base, 'before');
    const beforeHistory = await historyRows('layerbox', root, base);
    // A container made before the changes must not see them (copy-on-write).
    await layerbox(root, ['create', '--name', 'bystander', base]);

    const sequence = (name: string) => [
      ['create', '--name', name, base],
      ['cp', join(host, 'new.txt'), `${name}:/new.txt`],
      ['cp', join(host, 'sub'), `${name}:/data`],
      ['cp', join(host, 'replacement'), `${name}:/bin/busybox`],
    ];
    const dockerName = `lbcli-interop-commit-${process.pid}`;
    dockerContainers.push(dockerName);
    for (const args of sequence(dockerName)) await docker.run(args);
    for (const args of sequence('changed')) await layerbox(root, args);

    // Docker 20.10 lists changes in no fixed order, so compare them sorted.
    const dockerDiff = lines((await docker.run(['diff', dockerName])).stdout).sort();
    const ourDiff = lines((await layerbox(root, ['diff', 'changed'])).stdout).sort();
    expect(dockerDiff).toEqual(['A /data', 'A /data/deep.txt', 'A /new.txt', 'C /bin', 'C /bin/busybox']);
    expect(ourDiff).toEqual(dockerDiff);

    const committed = `${NS}/busybox:committed`;
    dockerImages.push(committed);
    await docker.run(['commit', '-m', 'add files', dockerName, committed]);
    const newId = (await layerbox(root, ['commit', '-m', 'add files', 'changed', committed])).stdout.trim();
    expect(newId).toMatch(ID);
    expect(newId).not.toBe(baseId);
    expect(await historyRows('layerbox', root, committed)).toEqual(await historyRows('docker', root, committed));

    // The old image: same ID, same history, same files; the bystander saw nothing.
    expect(await imageId(root, base)).toBe(baseId);
    expect(await historyRows('layerbox', root, base)).toEqual(beforeHistory);
    expect(await exportOf(base, 'after')).toEqual(beforeExport);
    expect((await layerbox(root, ['diff', 'bystander'])).stdout).toBe('');
    const file = join(work, 'bystander.tar');
    await layerbox(root, ['export', '-o', file, 'bystander']);
    expect(await describeTar(file)).toEqual(beforeExport);

    // The new image holds the changes.
    const after = await exportOf(committed, 'of-committed');
    const byPath = new Map(after.map((e) => [e.path, e]));
    expect(byPath.get('/new.txt')?.size).toBe(6);
    expect(byPath.get('/data/deep.txt')?.size).toBe(5);
    expect(byPath.get('/bin/busybox')?.size).toBe('not busybox any more\n'.length);
    await expectStoreChecks(root);
  });

  test('a deletion committed by Docker loads with the same history and leaves the file out', async () => {
    // layerbox cannot run a process yet, so the D comes from Docker: rm in a container, commit, save.
    const name = `lbcli-interop-rm-${process.pid}`;
    dockerContainers.push(name);
    await docker.run(['run', '--name', name, '--network', 'none', base, 'rm', '/bin/cat']);
    expect(lines((await docker.run(['diff', name])).stdout).sort()).toEqual(['C /bin', 'D /bin/cat']);
    const removed = `${NS}/busybox:removed`;
    dockerImages.push(removed);
    await docker.run(['commit', name, removed]);
    const archive = join(work, 'removed.tar');
    await docker.run(['save', '-o', archive, removed]);
    await layerbox(root, ['load', '-i', archive]);
    expect(await imageId(root, removed)).toBe(await dockerId(removed));
    expect(await historyRows('layerbox', root, removed)).toEqual(await historyRows('docker', root, removed));
    const files = await exportOf(removed, 'of-removed');
    const baseFiles = await exportOf(base, 'of-base');
    expect(files.map((e) => e.path)).not.toContain('/bin/cat');
    expect(files).toEqual(baseFiles.filter((e) => e.path !== '/bin/cat'));
  });

  test('cp onto a symlink writes through it, as docker cp does', async () => {
    // /bin/echo is a symlink to busybox: Docker resolves the destination link and
    // overwrites its target; the link itself stays.
    const dockerName = `lbcli-interop-cplink-${process.pid}`;
    dockerContainers.push(dockerName);
    await docker.run(['create', '--name', dockerName, base]);
    await docker.run(['cp', join(host, 'replacement'), `${dockerName}:/bin/echo`]);
    await layerbox(root, ['create', '--name', 'cplink', base]);
    await layerbox(root, ['cp', join(host, 'replacement'), 'cplink:/bin/echo']);
    const dockerDiff = lines((await docker.run(['diff', dockerName])).stdout).sort();
    expect(dockerDiff).toEqual(['C /bin', 'C /bin/busybox']);
    expect(lines((await layerbox(root, ['diff', 'cplink'])).stdout).sort()).toEqual(dockerDiff);
  });

  test('cp refuses to put a directory where a non-directory is, as docker cp does', async () => {
    const tarDir = join(work, 'dir-over-link');
    await mkdir(join(tarDir, 'echo'), { recursive: true });
    await writeFile(join(tarDir, 'echo', 'x'), 'x\n');
    const tarFile = join(work, 'dir-over-link.tar');
    await run(['tar', '-C', tarDir, '-cf', tarFile, 'echo']);
    const tarBytes = await readFile(tarFile);

    const dockerName = `lbcli-interop-cpdir-${process.pid}`;
    dockerContainers.push(dockerName);
    await docker.run(['create', '--name', dockerName, base]);
    const d = await docker.run(['cp', '-', `${dockerName}:/bin`], { input: tarBytes, check: false });
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/cannot overwrite non-directory/);
    expect((await docker.run(['diff', dockerName])).stdout).toBe('');

    await layerbox(root, ['create', '--name', 'cpdir', base]);
    const r = await layerboxFails(root, ['cp', '-', 'cpdir:/bin'], { input: tarBytes });
    expectOneLineError(r, /\/bin\/echo/);
    expect((await layerbox(root, ['diff', 'cpdir'])).stdout).toBe('');
  });
});

describe('volumes', { timeout: 300_000 }, () => {
  test('a named volume outlives its container and cannot be removed while in use', async () => {
    const root = join(work, 'volumes');
    const ctx = await writeBusyboxContext(join(work, 'volumes-ctx'));
    const image = `${NS}/busybox:volumes`;
    await layerbox(root, ['build', '-q', '-t', image, ctx.dir]);

    expect((await layerbox(root, ['volume', 'create', 'vdata'])).stdout.trim()).toBe('vdata');
    const cid = (await layerbox(root, ['create', '--name', 'vuser', '-v', 'vdata:/data', image])).stdout.trim();
    expect(cid).toMatch(/^[0-9a-f]{64}$/);
    expect((await layerbox(root, ['volume', 'ls', '-q'])).stdout).toBe('vdata\n');
    const inspected = JSON.parse((await layerbox(root, ['volume', 'inspect', 'vdata'])).stdout) as Array<{ Name: string; Driver: string }>;
    expect(inspected).toHaveLength(1);
    expect(inspected[0]).toMatchObject({ Name: 'vdata', Driver: 'local' });
    const mounts = JSON.parse((await layerbox(root, ['inspect', '--format', '{{json .Mounts}}', 'vuser'])).stdout) as Array<{
      Type: string;
      Name: string;
      Destination: string;
    }>;
    expect(mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: 'vdata', Destination: '/data' })]);

    const inUse = await layerboxFails(root, ['volume', 'rm', 'vdata']);
    expectOneLineError(inUse, /vdata/, /in use/, new RegExp(cid));
    expect((await layerbox(root, ['volume', 'ls', '-q'])).stdout).toBe('vdata\n');

    await layerbox(root, ['rm', 'vuser']);
    expect((await layerbox(root, ['ps', '-a', '-q'])).stdout).toBe('');
    expect((await layerbox(root, ['volume', 'ls', '-q'])).stdout).toBe('vdata\n');
    expect((await layerbox(root, ['volume', 'rm', 'vdata'])).stdout.trim()).toBe('vdata');
    expect((await layerbox(root, ['volume', 'ls', '-q'])).stdout).toBe('');
    expectOneLineError(await layerboxFails(root, ['volume', 'inspect', 'vdata']), /vdata/, /no such volume/i);
    await expectStoreChecks(root);
  });

  test('files copied into a volume are there for the next container, as with docker cp', async () => {
    const root = join(work, 'volume-data');
    const ctx = await writeBusyboxContext(join(work, 'volume-data-ctx'));
    const image = `${NS}/busybox:volume-data`;
    await layerbox(root, ['build', '-q', '-t', image, ctx.dir]);
    const archive = join(work, 'volume-data.tar');
    await layerbox(root, ['save', '-o', archive, image]);
    dockerImages.push(image);
    await dockerLoad(archive);
    const file = join(work, 'kept.txt');
    await writeFile(file, 'kept in the volume\n');

    // Docker, for reference: cp into the mount point writes into the volume.
    const volume = `lbcli-interop-kept-${process.pid}`;
    const [d1, d2] = [`${volume}-1`, `${volume}-2`];
    dockerContainers.push(d1, d2);
    await docker.run(['create', '--name', d1, '-v', `${volume}:/data`, image]);
    await docker.run(['cp', file, `${d1}:/data/kept.txt`]);
    await docker.run(['rm', d1]);
    await docker.run(['create', '--name', d2, '-v', `${volume}:/data`, image]);
    const dockerOut = join(work, 'docker-out');
    await mkdir(dockerOut);
    await docker.run(['cp', `${d2}:/data/kept.txt`, dockerOut]);
    expect(await readFile(join(dockerOut, 'kept.txt'), 'utf8')).toBe('kept in the volume\n');
    await docker.run(['rm', d2]);
    await docker.run(['volume', 'rm', volume]);

    await layerbox(root, ['create', '--name', 'writer', '-v', 'kept:/data', image]);
    await layerbox(root, ['cp', file, 'writer:/data/kept.txt']);
    await layerbox(root, ['rm', 'writer']);
    await layerbox(root, ['create', '--name', 'reader', '-v', 'kept:/data', image]);
    const out = join(work, 'layerbox-out');
    await mkdir(out);
    await layerbox(root, ['cp', 'reader:/data/kept.txt', out]);
    expect(await readFile(join(out, 'kept.txt'), 'utf8')).toBe('kept in the volume\n');
    await expectStoreChecks(root);
  });
});
