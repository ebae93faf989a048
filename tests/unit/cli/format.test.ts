import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  containerStatus,
  createdSince,
  ellipsis,
  formatInspect,
  formatRows,
  indentJson,
  inspectJson,
  resolveFormat,
  stringifyCommand,
  truncateId,
} from '../../../shared/cli/format.ts';
import { NIL_LIST, NIL_MAP, goStruct } from '../../../shared/cli/gofmt.ts';
import { TemplateError } from '../../../shared/cli/template-ast.ts';

// Expected outputs in this file were printed by the real docker 20.10 client against a
// private dockerd (PEERS.md) holding one image tagged `bb:1` and
// `verylongrepositoryname/withpath:some-long-tag-name`.

const IMAGE_HEADERS = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'VIRTUAL SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};
const DEFAULT_IMAGE_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

const bb = { Repository: 'bb', Tag: '1', ID: '4542ca97e2ee', CreatedSince: '4 minutes ago', Size: '1.98MB' };
const long = { ...bb, Repository: 'verylongrepositoryname/withpath', Tag: 'some-long-tag-name' };

const render = (format: string, rows: object[]): string =>
  formatRows(resolveFormat(format, { table: DEFAULT_IMAGE_TABLE }), rows, { headers: IMAGE_HEADERS, rowType: '*formatter.imageContext' });

describe('list formatting, compared with docker image ls', () => {
  it('default table', () => {
    expect(render('', [bb, long])).toBe(
      'REPOSITORY                        TAG                  IMAGE ID       CREATED         SIZE\n' +
        'bb                                1                    4542ca97e2ee   4 minutes ago   1.98MB\n' +
        'verylongrepositoryname/withpath   some-long-tag-name   4542ca97e2ee   4 minutes ago   1.98MB\n',
    );
    expect(render('table', [bb, long])).toBe(render('', [bb, long]));
  });

  it('an empty list prints the header only', () => {
    expect(render('', [])).toBe('REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
  });

  it.each([
    [
      'table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.Size}}',
      [long, bb],
      'REPOSITORY                        TAG                  IMAGE ID       SIZE\nverylongrepositoryname/withpath   some-long-tag-name   4542ca97e2ee   1.98MB\nbb                                1                    4542ca97e2ee   1.98MB\n',
    ],
    [
      'table {{.Repository}}:{{.Tag}}\\t{{.ID}}',
      [long, bb],
      'REPOSITORY:TAG                                       IMAGE ID\nverylongrepositoryname/withpath:some-long-tag-name   4542ca97e2ee\nbb:1                                                 4542ca97e2ee\n',
    ],
    [
      'table {{upper .Repository}}\\t{{pad .Tag 2 2}}|\\t{{truncate .ID 5}}',
      [bb, long],
      'REPOSITORY                          TAG  |                  IMAGE ID\nBB                                  1  |                    4542c\nVERYLONGREPOSITORYNAME/WITHPATH     some-long-tag-name  |   4542c\n',
    ],
    [
      'table {{json .Repository}}\\t{{.Size}}',
      [bb, long],
      'REPOSITORY                          SIZE\n"bb"                                1.98MB\n"verylongrepositoryname/withpath"   1.98MB\n',
    ],
    [
      'table {{.ID}}\\t{{.Repository}}\\t{{.Tag}}  ',
      [bb, long],
      'IMAGE ID       REPOSITORY                        TAG\n4542ca97e2ee   bb                                1\n4542ca97e2ee   verylongrepositoryname/withpath   some-long-tag-name\n',
    ],
    ['tablex {{.ID}}', [bb, long], 'x IMAGE ID\nx 4542ca97e2ee\nx 4542ca97e2ee\n'],
    ['table {{.Tag}}\\n{{.ID}}', [bb, long], 'TAG\nIMAGE ID\n1\n4542ca97e2ee\nsome-long-tag-name\n4542ca97e2ee\n'],
    ['{{.ID}}\\t{{.Tag}}', [bb, long], '4542ca97e2ee\t1\n4542ca97e2ee\tsome-long-tag-name\n'],
  ])('--format %s', (format, rows, want) => {
    expect(render(format, rows)).toBe(want);
  });

  it('{{json .}} and --format json marshal a row with sorted keys and escaped HTML', () => {
    // Fields in another order, one of them computed, as a formatter context has methods.
    class ImageRow {
      ID = '4542ca97e2ee';
      Repository = 'bb';
      Tag = '1';
      Digest = '<none>';
      CreatedSince = '2 minutes ago';
      CreatedAt = '2026-11-27 07:34:17 +0000 UTC';
      Containers = 'N/A';
      SharedSize = 'N/A';
      UniqueSize = 'N/A';
      VirtualSize = '1.982MB';
      get Size(): string {
        return '1.98MB';
      }
    }
    const docker =
      '{"Containers":"N/A","CreatedAt":"2026-11-27 07:34:17 +0000 UTC","CreatedSince":"2 minutes ago","Digest":"\\u003cnone\\u003e","ID":"4542ca97e2ee","Repository":"bb","SharedSize":"N/A","Size":"1.98MB","Tag":"1","UniqueSize":"N/A","VirtualSize":"1.982MB"}\n';
    expect(render('{{json .}}', [new ImageRow()])).toBe(docker);
    expect(render('json', [new ImageRow()])).toBe(docker);
    // a single field is not HTML-escaped (docker's json function)
    expect(render('{{json .Digest}}', [new ImageRow()])).toBe('"<none>"\n');
    expect(render('{{.Size}}', [new ImageRow()])).toBe('1.98MB\n');
  });

  it('--quiet uses the quiet format unless a format is given', () => {
    expect(resolveFormat('', { table: DEFAULT_IMAGE_TABLE, quiet: true })).toBe('{{.ID}}');
    expect(resolveFormat('{{.Tag}}', { table: DEFAULT_IMAGE_TABLE, quiet: true })).toBe('{{.Tag}}');
    expect(render(resolveFormat('', { table: DEFAULT_IMAGE_TABLE, quiet: true }), [bb])).toBe('4542ca97e2ee\n');
  });

  it('reports template errors as docker does, and prints nothing', () => {
    expect(() => render('{{.Foo', [bb])).toThrow(new TemplateError('template parsing error: template: :1: unclosed action'));
    expect(() => render('{{.Foo}}', [bb])).toThrow(
      new TemplateError('template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.imageContext'),
    );
  });
});

// ---------------------------------------------------------------- inspect

const inspectText = readFileSync(new URL('../../golden/template/image-inspect.txt', import.meta.url), 'utf8');
const raw = (JSON.parse(inspectText) as Record<string, unknown>[])[0]!;

/** docker's typed view of that JSON: structs, nil slices and maps, and an omitempty field. */
function typedImage(r: Record<string, unknown>): object {
  const config = (c: Record<string, unknown>): object => {
    const out: Record<string, unknown> = { ...c };
    for (const k of ['Env', 'Cmd', 'Entrypoint', 'OnBuild']) out[k] ??= NIL_LIST;
    for (const k of ['Volumes', 'Labels']) out[k] ??= NIL_MAP;
    // ExposedPorts is `json:",omitempty"`: a field the template sees and JSON leaves out.
    if (!('ExposedPorts' in out)) Object.defineProperty(out, 'ExposedPorts', { value: NIL_MAP, enumerable: false });
    return goStruct('*container.Config', out);
  };
  return goStruct('types.ImageInspect', {
    ...r,
    Config: config(r.Config as Record<string, unknown>),
    ContainerConfig: config(r.ContainerConfig as Record<string, unknown>),
    GraphDriver: goStruct('types.GraphDriverData', r.GraphDriver as object),
    RootFS: goStruct('types.RootFS', r.RootFS as object),
    Metadata: goStruct('types.ImageMetadata', r.Metadata as object),
  });
}

const inspectRows = readFileSync(new URL('../../golden/template/docker-inspect.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => l.split(' ¦ ') as [string, string])
  .map(([t, w]) => [t, w.startsWith('"') ? (JSON.parse(w) as string) : w] as [string, string]);

describe('inspect --format, compared with docker image inspect', () => {
  it('has the cases', () => expect(inspectRows.length).toBeGreaterThanOrEqual(30));

  it.each(inspectRows)('%s', (template, want) => {
    let got: string;
    try {
      got = formatInspect(template, typedImage(raw));
    } catch (e) {
      got = 'error: ' + (e as Error).message;
    }
    expect(got).toBe(want);
  });

  it('prints inspect JSON indented exactly as docker does', () => {
    expect(inspectJson([raw]) + '\n').toBe(inspectText);
    expect(inspectJson([])).toBe('[]');
    expect(indentJson('{"a":[],"b":{},"c":["x,y:z"]}')).toBe('{\n    "a": [],\n    "b": {},\n    "c": [\n        "x,y:z"\n    ]\n}');
  });
});

// ---------------------------------------------------------------- columns

describe('columns', () => {
  it('truncates IDs like stringid.TruncateID', () => {
    expect(truncateId('sha256:4542ca97e2eee30233fee0ce2f933eca622108d305c2e28a35be36a4ceca8f13')).toBe('4542ca97e2ee');
    expect(truncateId('abc')).toBe('abc');
  });

  it('shows the COMMAND column as docker ps does', () => {
    // docker ps / ps --no-trunc for containers created with these commands
    expect(stringifyCommand('/bin/busybox', ['true'])).toBe('"/bin/busybox true"');
    expect(stringifyCommand('/bin/busybox', ['sh', '-c', 'echo hello world'])).toBe('"/bin/busybox sh -c …"');
    expect(stringifyCommand('/bin/busybox', ['sh', '-c', 'echo hello world'], { trunc: false })).toBe(`"/bin/busybox sh -c 'echo hello world'"`);
    expect(stringifyCommand('/bin/busybox', ['echo', 'a b', "c'd", 'é😀x'])).toBe(`"/bin/busybox echo '…"`);
    expect(stringifyCommand('/bin/busybox', ['echo', 'a b', "c'd", 'é😀x'], { trunc: false })).toBe(`"/bin/busybox echo 'a b' c'd é😀x"`);
    expect(stringifyCommand('/x', ['a"b\tc'], { trunc: false })).toBe('"/x a\\"b\\tc"');
  });

  it('cuts to display width, counting wide characters twice', () => {
    expect(ellipsis('abcdef', 4)).toBe('abc…');
    expect(ellipsis('abc', 4)).toBe('abc');
    expect(ellipsis('日本語です', 6)).toBe('日本…');
    expect(ellipsis('abc', 1)).toBe('a');
    expect(ellipsis('abc', 0)).toBe('');
  });

  it('words container states as the daemon does', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(containerStatus({ running: false, exitCode: 0 }, now)).toBe('Created');
    expect(containerStatus({ running: true, exitCode: 0, startedAt: now - 3_000 }, now)).toBe('Up 3 seconds');
    expect(containerStatus({ running: true, paused: true, exitCode: 0, startedAt: now - 3_600_000 }, now)).toBe('Up About an hour (Paused)');
    expect(containerStatus({ running: true, exitCode: 0, startedAt: now - 60_000, health: 'starting' }, now)).toBe('Up About a minute (health: starting)');
    expect(containerStatus({ running: false, exitCode: 137, startedAt: now - 10_000, finishedAt: now - 5_000 }, now)).toBe('Exited (137) 5 seconds ago');
    expect(containerStatus({ running: false, dead: true, exitCode: 0 }, now)).toBe('Dead');
    expect(createdSince(new Date(now - 2 * 60_000), now)).toBe('2 minutes ago');
  });
});
