import type { Digest } from '../digest/digest.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import { parseJson } from '../image/records.ts';
import type { ContainerState } from './container-state.ts';
import type { Engine } from './engine.ts';
import { PREFIX, refs } from './refs.ts';

/**
 * Where a container's state lives. A `--rm` container's goes in the store's volatile
 * records: it is removed when the container exits, so it needs no durability barrier,
 * and `run --rm` pays for none. Every other container's is a blob behind a durable ref.
 * Records of `--rm` containers made before the store had volatile records stay refs.
 */
export interface ContainerRecord {
  state: ContainerState;
  /** The state blob, for a container behind a ref. */
  digest?: Digest;
}

const encoder = new TextEncoder();

function decode(bytes: Uint8Array, name: string): ContainerState {
  return parseJson(bytes, `container record ${name}`) as ContainerState;
}

export async function readContainers(e: Engine): Promise<ContainerRecord[]> {
  const out: ContainerRecord[] = [];
  for (const [, d] of await e.refs.list(PREFIX.container)) out.push({ state: await e.readJson<ContainerState>(d, 'container'), digest: d });
  for (const [name, b] of (await e.store.volatile?.list(PREFIX.container)) ?? []) out.push({ state: decode(b, name) });
  return out;
}

/** The container with this full ID, or undefined. */
export async function readContainer(e: Engine, id: string): Promise<ContainerRecord | undefined> {
  const d = await e.refs.get(refs.container(id));
  if (d) return { state: await e.readJson<ContainerState>(d, `container ${id}`), digest: d };
  const b = await e.store.volatile?.get(refs.container(id));
  return b && { state: decode(b, id) };
}

async function isVolatile(e: Engine, s: ContainerState): Promise<boolean> {
  return (s.HostConfig.AutoRemove ?? false) && e.store.volatile !== undefined && !(await e.refs.get(refs.container(s.Id)));
}

/**
 * Record a container's state, after `updates` to durable refs (its new volumes, say).
 * `expect` guards a ref-held record: null when it must be new, a digest when it must
 * be unchanged. Caller holds the lock.
 */
export async function writeContainer(e: Engine, s: ContainerState, updates: RefUpdate[] = [], expect?: Digest | null): Promise<void> {
  if (await isVolatile(e, s)) {
    // The record may name blobs just written (its layer): they go first, with the updates.
    if (updates.length) await e.commitRefs(updates);
    else await e.blobs.flush();
    await e.store.volatile!.put(refs.container(s.Id), encoder.encode(JSON.stringify(s)));
    return;
  }
  const self: RefUpdate = { name: refs.container(s.Id), value: await e.putJson(s), ...(expect !== undefined ? { expect } : {}) };
  await e.commitRefs([...updates, self]);
}

/** Remove a container's record, with `updates` to durable refs. Caller holds the lock. */
export async function deleteContainer(e: Engine, s: ContainerState, updates: RefUpdate[] = []): Promise<void> {
  if (await isVolatile(e, s)) {
    if (updates.length) await e.commitRefs(updates);
    await e.store.volatile!.delete(refs.container(s.Id));
    return;
  }
  await e.commitRefs([{ name: refs.container(s.Id), value: null }, ...updates]);
}
