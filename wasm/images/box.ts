import type { ImageRecipe, RecipeEntry } from '../../shared/engine/recipe.ts';

/**
 * `box`: the smallest useful image — the WebAssembly userland (one multi-call program,
 * every applet a symlink to it, as Alpine does with busybox) and the files programs
 * expect: users and groups, os-release, /tmp, /root, /home.
 *
 * The recipe is data; its only input is the userland module, so the image ID depends
 * on nothing but these lines and those bytes.
 */
export const BOX_CREATED = '2026-11-27T00:00:00Z';

export const BOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function boxRecipe(userland: Uint8Array, applets: readonly string[]): ImageRecipe {
  const dirs: RecipeEntry[] = [
    { path: '/bin', type: 'dir', mode: 0o755 },
    { path: '/dev', type: 'dir', mode: 0o755 },
    { path: '/etc', type: 'dir', mode: 0o755 },
    { path: '/home', type: 'dir', mode: 0o755 },
    { path: '/home/user', type: 'dir', mode: 0o755, uid: 1000, gid: 1000 },
    { path: '/proc', type: 'dir', mode: 0o555 },
    { path: '/root', type: 'dir', mode: 0o700 },
    { path: '/tmp', type: 'dir', mode: 0o1777 },
    { path: '/usr', type: 'dir', mode: 0o755 },
    { path: '/usr/bin', type: 'dir', mode: 0o755 },
    { path: '/usr/local', type: 'dir', mode: 0o755 },
    { path: '/usr/local/bin', type: 'dir', mode: 0o755 },
    { path: '/var', type: 'dir', mode: 0o755 },
    { path: '/var/tmp', type: 'dir', mode: 0o1777 },
  ];
  const files: RecipeEntry[] = [
    { path: '/bin/box', type: 'file', mode: 0o755, content: userland },
    {
      path: '/etc/passwd',
      type: 'file',
      mode: 0o644,
      content: 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
    },
    { path: '/etc/group', type: 'file', mode: 0o644, content: 'root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n' },
    {
      path: '/etc/os-release',
      type: 'file',
      mode: 0o644,
      content:
        'NAME="layerbox box"\nID=box\nVERSION_ID=1\nPRETTY_NAME="layerbox box 1 (WebAssembly userland)"\n',
    },
    { path: '/etc/hostname', type: 'file', mode: 0o644, content: 'box\n' },
    { path: '/etc/profile', type: 'file', mode: 0o644, content: `export PATH=${BOX_PATH}\n` },
  ];
  const links: RecipeEntry[] = [...new Set(applets)]
    .filter((a) => a !== 'box')
    .sort()
    .map((a) => ({ path: `/bin/${a}`, type: 'symlink' as const, target: 'box' }));
  return {
    name: 'box:latest',
    created: BOX_CREATED,
    createdBy: `recipe box: /bin/box, the WebAssembly userland, and ${links.length} applet links`,
    platform: { os: 'wasi', architecture: 'wasm' },
    config: { Env: [`PATH=${BOX_PATH}`], Cmd: ['sh'] },
    entries: [...dirs, ...files, ...links],
  };
}
