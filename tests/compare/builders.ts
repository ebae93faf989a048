// The two sides of the comparison: Docker 20.10 with BuildKit, and the layerbox CLI.
// Each builds a case's context under the case's tag, saves the image as an archive and
// dumps it with the independent reader in tests/harness/image-dump.ts. A Builds object
// memoises outcomes per case, so a base image that several cases name is built once,
// before them, by the same tool that builds them.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerFromEnv, startDocker, type Docker } from '../harness/docker.ts';
import { run, type RunResult } from '../harness/exec.ts';
import { dumpImageArchive, type ImageDump } from '../harness/image-dump.ts';
import { dependencyOrder, isNegative, prepareContext, type Case } from './cases.ts';

/** A built image's dump; null when a case meant to fail built (it is not saved then). */
export type BuildOutcome = { ok: true; dump: ImageDump | null } | { ok: false; error: string };

export interface ImageBuilder {
  readonly name: string;
  /** Builds `ctx` (holding the Dockerfile) as `c.tag`; never throws for a failed build. */
  build(c: Case, ctx: string): Promise<RunResult>;
  /** Writes the image tagged `tag` to `out` as an archive. */
  save(tag: string, out: string): Promise<void>;
  /** Forgets the images this builder tagged, where it keeps them beyond the test run. */
  cleanup(tags: readonly string[]): Promise<void>;
}

/** `--build-arg` and `--target` flags of a case, in the order both CLIs accept. */
export function buildFlags(c: Case): string[] {
  const flags: string[] = [];
  for (const [k, v] of Object.entries(c.buildArgs ?? {})) flags.push('--build-arg', `${k}=${v}`);
  if (c.target !== undefined) flags.push('--target', c.target);
  return flags;
}

const BUILD_TIMEOUT_MS = 120_000;

/**
 * The daemon named by DOCKER_HOST (vitest's system setup starts one), or else a private
 * one started here; `stop` stops only a daemon started here.
 */
export async function openDocker(): Promise<{ docker: Docker; stop: () => Promise<void> }> {
  if (process.env.DOCKER_HOST) return { docker: dockerFromEnv(), stop: async () => {} };
  const docker = await startDocker();
  return { docker, stop: () => docker.stop() };
}

export function dockerBuilder(docker: Docker): ImageBuilder {
  const env = { DOCKER_BUILDKIT: '1', BUILDKIT_PROGRESS: 'plain' };
  return {
    name: 'docker',
    build: (c, ctx) =>
      docker.run(['build', '--tag', c.tag, ...buildFlags(c), ctx], { env, check: false, timeoutMs: BUILD_TIMEOUT_MS }),
    async save(tag, out) {
      await docker.run(['save', '--output', out, tag], { timeoutMs: BUILD_TIMEOUT_MS });
    },
    async cleanup(tags) {
      if (tags.length > 0) await docker.run(['image', 'rm', '--force', ...tags], { check: false });
    },
  };
}

/**
 * The CLI under test: the built one (`npm run build` makes dist/layerbox.js), or the
 * script LAYERBOX_CLI names, for example to check the table against another builder.
 */
export const LAYERBOX_CLI = process.env.LAYERBOX_CLI || fileURLToPath(new URL('../../dist/layerbox.js', import.meta.url));

/** layerbox's CLI with its store in `root`; the images go when `root` is removed. */
export function layerboxBuilder(root: string): ImageBuilder {
  const cli = (args: readonly string[], check: boolean) => {
    if (!existsSync(LAYERBOX_CLI)) throw new Error(`${LAYERBOX_CLI} is missing: run npm run build`);
    return run([process.execPath, LAYERBOX_CLI, '--root', root, ...args], { check, timeoutMs: BUILD_TIMEOUT_MS });
  };
  return {
    name: 'layerbox',
    build: (c, ctx) => cli(['build', '-t', c.tag, ...buildFlags(c), ctx], false),
    async save(tag, out) {
      await cli(['save', '-o', out, tag], true);
    },
    cleanup: async () => {},
  };
}

/**
 * The message of a failed build: Docker's `error: failed to solve: …` line when there is
 * one, otherwise the last non-empty line of stderr (or stdout).
 */
export function buildError(result: RunResult): string {
  const lines = (result.stderr.trim() || result.stdout.trim()).split('\n').map((l) => l.trim());
  const solve = lines.filter((l) => /^error: /i.test(l)).pop();
  return (solve ?? lines.filter(Boolean).pop() ?? `exit code ${result.code}`).replace(/^error: /i, '');
}

/** Outcomes of one builder for the cases of a table, each case built at most once. */
export class Builds {
  private readonly outcomes = new Map<string, Promise<BuildOutcome>>();
  private readonly tags = new Set<string>();

  constructor(
    readonly builder: ImageBuilder,
    private readonly byName: ReadonlyMap<string, Case>,
    private readonly work: string,
  ) {}

  /** Builds `c` after its dependencies; a dependency that fails to build is an error. */
  async outcome(c: Case): Promise<BuildOutcome> {
    for (const dep of dependencyOrder(c, this.byName)) {
      const o = await this.once(dep);
      if (!o.ok) throw new Error(`${this.builder.name}: case ${c.name} needs ${dep.name}, which failed: ${o.error}`);
    }
    return this.once(c);
  }

  private once(c: Case): Promise<BuildOutcome> {
    let p = this.outcomes.get(c.name);
    if (!p) {
      p = this.buildAndDump(c);
      this.outcomes.set(c.name, p);
    }
    return p;
  }

  private async buildAndDump(c: Case): Promise<BuildOutcome> {
    const dir = join(this.work, this.builder.name, c.name);
    await mkdir(dir, { recursive: true });
    const ctx = join(dir, 'context');
    await prepareContext(c, ctx);
    const result = await this.builder.build(c, ctx);
    if (result.code !== 0) return { ok: false, error: buildError(result) };
    this.tags.add(c.tag);
    if (isNegative(c)) return { ok: true, dump: null };
    const archive = join(dir, 'image.tar');
    await this.builder.save(c.tag, archive);
    return { ok: true, dump: await dumpImageArchive(archive, { ref: c.tag }) };
  }

  async cleanup(): Promise<void> {
    await this.builder.cleanup([...this.tags]);
  }
}
