// The comparison's failure messages: one readable line per difference, in its section.
import { describe, expect, test } from 'vitest';
import type { ImageDump } from '../harness/image-dump.ts';
import { diffDumps, formatDump } from './diff.ts';

const dump = (): ImageDump => ({
  architecture: 'amd64',
  os: 'linux',
  config: { Env: ['PATH=/bin', 'A=1'], Cmd: ['/bin/sh'], Labels: { a: '1' }, ExposedPorts: { '80/tcp': {} } },
  history: [{ created_by: 'COPY a /a # buildkit', comment: 'buildkit.dockerfile.v0' }],
  layerCount: 1,
  layers: [['dir etc', 'file a']],
  rootfs: [
    { path: '/a', type: 'file', mode: '0644', uid: 0, gid: 0, size: 1, sha256: 'aa' },
    { path: '/etc', type: 'dir', mode: '0755', uid: 0, gid: 0 },
  ],
  formats: ['docker'],
});

const sides = { a: 'docker', b: 'layerbox' };

describe('diffDumps', () => {
  test('equal dumps have no differences, whatever formats the archives held', () => {
    const b = { ...dump(), formats: ['docker', 'oci'] as ImageDump['formats'] };
    expect(diffDumps(dump(), b, sides)).toEqual({ image: [], config: [], history: [], layers: [], rootfs: [] });
  });

  test('each difference is one line naming the field, the item and both values', () => {
    const b = dump();
    b.layerCount = 2;
    b.config = { Env: ['PATH=/bin', 'A=2'], Labels: { a: '1', b: '2' }, ExposedPorts: { '80/tcp': {} } };
    b.history = [{ created_by: 'COPY a /a', comment: 'buildkit.dockerfile.v0' }];
    b.layers = [['file a'], ['file b']];
    b.rootfs = [
      { path: '/a', type: 'file', mode: '0755', uid: 0, gid: 0, size: 1, sha256: 'aa' },
      { path: '/b', type: 'symlink', mode: '0777', uid: 0, gid: 0, target: 'a' },
    ];
    expect(diffDumps(dump(), b, sides)).toEqual({
      image: ['layerCount: docker 1 | layerbox 2'],
      config: [
        'config.Cmd: docker ["/bin/sh"] | layerbox (absent)',
        'config.Env[1]: docker "A=1" | layerbox "A=2"',
        'config.Labels.b: docker (absent) | layerbox "2"',
      ],
      history: ['history[0].created_by: docker "COPY a /a # buildkit" | layerbox "COPY a /a"'],
      layers: ['layer 0: only docker has dir etc', 'layer 1: only layerbox has file b'],
      rootfs: [
        '/a mode: docker "0644" | layerbox "0755"',
        '/b: only in layerbox {"type":"symlink","mode":"0777","uid":0,"gid":0,"target":"a"}',
        '/etc: only in docker {"type":"dir","mode":"0755","uid":0,"gid":0}',
      ],
    });
  });

  test('lists of different lengths are shown whole', () => {
    const b = dump();
    b.config = { ...b.config, Env: ['PATH=/bin'] };
    expect(diffDumps(dump(), b, sides).config).toEqual([
      'config.Env: docker ["PATH=/bin","A=1"] | layerbox ["PATH=/bin"]',
    ]);
  });
});

describe('formatDump', () => {
  test('writes the compared sections as JSON that reads back to the same values', () => {
    const { formats: _formats, ...compared } = dump();
    const text = formatDump(dump());
    expect(JSON.parse(text)).toEqual(compared);
    // One rootfs entry per line keeps a changed Docker a small diff.
    expect(text).toContain('\n    {"path":"/etc","type":"dir","mode":"0755","uid":0,"gid":0}\n');
  });
});
