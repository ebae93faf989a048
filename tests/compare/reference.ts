// What Docker did with each case, stored beside it as docker.json: the dump of the image
// it built, or `{ "error": … }` for a case that must fail. The live comparison never reads
// it; it lets a reader see Docker's result without a daemon, and flags a changed Docker.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageDump } from '../harness/image-dump.ts';
import { BUSYBOX } from '../harness/tools.ts';
import type { BuildOutcome } from './builders.ts';
import { isNegative, type Case } from './cases.ts';
import { diffDumps, formatDump, SECTIONS } from './diff.ts';

export type Reference = { error: string } | Omit<ImageDump, 'formats'>;

export const referencePath = (c: Case) => join(c.dir, 'docker.json');

/** Stands for the content of the machine's static busybox in docker.json files. */
export const BUSYBOX_CONTENT = 'busybox-static';

/** Hex sha256 of the busybox binary that the base case copies in. */
export async function busyboxDigest(): Promise<string> {
  return createHash('sha256').update(await readFile(BUSYBOX)).digest('hex');
}

/**
 * `dump` with the busybox binary's size and digest replaced by BUSYBOX_CONTENT, so the
 * stored references do not depend on which busybox-static release the machine has.
 */
export function withoutBusybox(dump: ImageDump, digest: string): ImageDump {
  return {
    ...dump,
    rootfs: dump.rootfs.map((e) => {
      if (e.sha256 !== digest) return e;
      const { size: _size, ...rest } = e;
      return { ...rest, sha256: BUSYBOX_CONTENT };
    }),
  };
}

export async function readReference(c: Case): Promise<Reference | undefined> {
  const text = await readFile(referencePath(c), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  return text === undefined ? undefined : (JSON.parse(text) as Reference);
}

/** Stores a Docker outcome that checkDeclared() accepted. */
export async function writeReference(c: Case, outcome: BuildOutcome, busybox: string): Promise<void> {
  const text = !outcome.ok
    ? `${JSON.stringify({ error: outcome.error }, null, 2)}\n`
    : outcome.dump
      ? formatDump(withoutBusybox(outcome.dump, busybox))
      : undefined;
  if (text === undefined) throw new Error(`case ${c.name}: nothing to record`);
  await writeFile(referencePath(c), text);
}

/** Ways `outcome` of `tool` contradicts what the case declares (success, or failure with a message). */
export function checkDeclared(c: Case, tool: 'docker' | 'layerbox', outcome: BuildOutcome): string[] {
  const wanted = [c.expectError, tool === 'docker' ? c.dockerError : c.layerboxError].filter(
    (m): m is string => m !== undefined && m !== '',
  );
  if (tool === 'layerbox' && c.layerboxRejects !== undefined) {
    if (outcome.ok) return [`layerbox built ${c.name}, which it must reject with "${c.layerboxRejects}"`];
    return outcome.error.includes(c.layerboxRejects) ? [] : [`layerbox's error for ${c.name} lacks "${c.layerboxRejects}": ${outcome.error}`];
  }
  if (!isNegative(c)) return outcome.ok ? [] : [`${tool} failed to build ${c.name}: ${outcome.error}`];
  if (outcome.ok) return [`${tool} built ${c.name}, which must fail${wanted.length ? ` with "${wanted[0]}"` : ''}`];
  return wanted
    .filter((m) => !outcome.error.includes(m))
    .map((m) => `${tool}'s error for ${c.name} lacks "${m}": ${outcome.error}`);
}

/** Differences between a live Docker outcome and the stored reference; empty when they agree. */
export function checkReference(
  c: Case,
  live: BuildOutcome,
  stored: Reference | undefined,
  busybox: string,
): string[] {
  if (stored === undefined) return [`${c.name} has no docker.json: run tests/compare/record-docker.ts ${c.name}`];
  if ('error' in stored) {
    // The message may name the environment (resolver, registry), so only the outcome is compared.
    return live.ok ? [`docker built ${c.name}; docker.json records the error: ${stored.error}`] : [];
  }
  if (!live.ok) return [`docker failed to build ${c.name}: ${live.error}`];
  if (!live.dump) return [];
  const diff = diffDumps(stored as ImageDump, withoutBusybox(live.dump, busybox), { a: 'docker.json', b: 'live docker' });
  return SECTIONS.flatMap((s) => diff[s]);
}
