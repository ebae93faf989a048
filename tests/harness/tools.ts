// Locating the peer programs. A missing tool is an error, never a reason to skip:
// .ci/run installs every one of them.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

// Root's tools (dockerd, runc) live in sbin, which a non-login PATH may lack.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `name` (a bare name searched on PATH, or an absolute path), or undefined. */
export function findTool(name: string): string | undefined {
  if (isAbsolute(name)) return isExecutable(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function hasTool(name: string): boolean {
  return findTool(name) !== undefined;
}

/** Absolute path of `name`; throws naming the Debian package when it is not installed. */
export function requireTool(name: string): string {
  const path = findTool(name);
  if (path === undefined) {
    const pkg = DEBIAN_PACKAGE[name.replace(/^.*\//, '')];
    throw new Error(
      `required tool ${name} is not installed${pkg ? ` (apt-get install ${pkg}; .ci/run installs it)` : ''}`,
    );
  }
  return path;
}

/** Which Debian package provides each peer binary. */
export const DEBIAN_PACKAGE: Readonly<Record<string, string>> = {
  docker: 'docker.io',
  dockerd: 'docker.io',
  containerd: 'containerd',
  conmon: 'conmon',
  skopeo: 'skopeo',
  umoci: 'umoci',
  busybox: 'busybox-static',
  crun: 'crun',
  runc: 'runc',
  podman: 'podman',
  buildah: 'buildah',
  'docker-registry': 'docker-registry',
  chromium: 'chromium',
  unshare: 'util-linux',
  mountpoint: 'util-linux',
};

/** The Docker client from the docker.io package; another `docker` on PATH may be a different build. */
export const DOCKER_CLIENT = '/usr/bin/docker';
/** The static busybox from busybox-static (usr-merged path). */
export const BUSYBOX = '/usr/bin/busybox';
