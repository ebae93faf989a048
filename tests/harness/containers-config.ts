// Private configuration for the containers/* tools (podman, buildah), so they never
// touch /var/lib/containers or the host's registries, and work on this machine:
// cgroupfs (no systemd), a file event log (no journald), runc, no network namespace
// setup, ulimits within what the machine allows (no CAP_SYS_RESOURCE), overlay storage,
// no search registries and no pulling.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ContainersConfig {
  /** Folder holding the configuration files, storage and scratch space. */
  readonly dir: string;
  /** Environment that points podman and buildah at this configuration. */
  readonly env: Readonly<Record<string, string>>;
}

/** TOML basic string. */
const q = (s: string) => JSON.stringify(s);

export async function writeContainersConfig(dir: string): Promise<ContainersConfig> {
  const tmp = join(dir, 'tmp');
  await mkdir(tmp, { recursive: true });
  const containersConf = join(dir, 'containers.conf');
  const storageConf = join(dir, 'storage.conf');
  const registriesConf = join(dir, 'registries.conf');
  await writeFile(
    containersConf,
    [
      '[containers]',
      'netns = "none"',
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      '',
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = ${q(join(dir, 'events.log'))}`,
      'runtime = "runc"',
      'pull_policy = "never"',
      `tmp_dir = ${q(join(dir, 'libpod-tmp'))}`,
      `volume_path = ${q(join(dir, 'volumes'))}`,
      '',
    ].join('\n'),
  );
  await writeFile(
    storageConf,
    [
      '[storage]',
      'driver = "overlay"',
      `graphroot = ${q(join(dir, 'storage'))}`,
      `runroot = ${q(join(dir, 'run'))}`,
      '',
    ].join('\n'),
  );
  await writeFile(registriesConf, 'unqualified-search-registries = []\n');
  return {
    dir,
    env: {
      CONTAINERS_CONF: containersConf,
      CONTAINERS_STORAGE_CONF: storageConf,
      CONTAINERS_REGISTRIES_CONF: registriesConf,
      TMPDIR: tmp,
    },
  };
}
