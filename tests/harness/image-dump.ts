// A normalised, comparable description of an image archive (`docker save` output, an
// OCI layout in a tar, or both in one tar): the config fields a Dockerfile sets, the
// history without timestamps, and the merged root filesystem after every layer with OCI
// whiteouts applied. The reading is done by image-dump.py with Python's tarfile module
// on purpose: an oracle that shares no code with the project's own tar and layer code.
import { fileURLToPath } from 'node:url';
import { run } from './exec.ts';
import { findTool } from './tools.ts';

const SCRIPT = fileURLToPath(new URL('./image-dump.py', import.meta.url));

/** The image config's `config` fields that a Dockerfile can set; absent or null ones are left out. */
export interface DumpedConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  OnBuild?: string[];
  Shell?: string[];
  ArgsEscaped?: boolean;
}

/** One history entry without its timestamp; `empty_layer` and `comment` only when set. */
export interface DumpedHistory {
  created_by: string;
  empty_layer?: true;
  comment?: string;
}

export type DumpedType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

/** One path of the merged root filesystem (the root itself is not listed). */
export interface DumpedEntry {
  /** Absolute, e.g. `/etc/passwd`. */
  path: string;
  type: DumpedType;
  /** Permission bits including setuid, setgid and sticky, four octal digits. */
  mode: string;
  uid: number;
  gid: number;
  /** Files: byte size and hex sha256 of the content. */
  size?: number;
  sha256?: string;
  /** Symlinks: the link text as stored. */
  target?: string;
  /** Devices: `major,minor`. */
  dev?: string;
  xattrs?: Record<string, string>;
  /**
   * Set on every member of a hard-link group except its first path in sort order,
   * naming that first path; independent of which name the tar happened to store first.
   */
  hardlink?: string;
}

export interface ImageDump {
  architecture: string | null;
  os: string | null;
  /** Top-level `author` (MAINTAINER), when set. */
  author?: string;
  config: DumpedConfig;
  history: DumpedHistory[];
  /** Number of rootfs.diff_ids, equal to the number of layers. */
  layerCount: number;
  /**
   * Each layer's own entries, oldest layer first, sorted, as `<type> <path>` with type one of
   * the DumpedType values, `hardlink`, `whiteout` (a `.wh.` entry) or `opaque`.
   */
  layers: string[][];
  /** The merged root filesystem, sorted by path. */
  rootfs: DumpedEntry[];
  /** Which descriptions the archive held and were read (they must agree when both are). */
  formats: ('docker' | 'oci')[];
}

export interface DumpOptions {
  /** Image name to pick when the archive holds several (RepoTags or OCI ref annotations). */
  ref?: string;
  /** Which description to read; `auto` reads both when present and checks they agree. Default auto. */
  format?: 'auto' | 'docker' | 'oci';
}

function python(): string {
  const path = findTool('python3');
  if (path === undefined) throw new Error('python3 is required to dump image archives (apt-get install python3)');
  return path;
}

/** Describes the image in the archive at `path`; throws with the reader's message on a malformed archive. */
export async function dumpImageArchive(path: string, opts: DumpOptions = {}): Promise<ImageDump> {
  const argv = [python(), SCRIPT, path, '--format', opts.format ?? 'auto'];
  if (opts.ref !== undefined) argv.push('--ref', opts.ref);
  const { stdout } = await run(argv, { timeoutMs: 120_000 });
  return JSON.parse(stdout) as ImageDump;
}
