import { InvalidArgumentError } from '../errors.ts';
import { isDigest, type Digest } from '../digest/digest.ts';

/**
 * An image reference, `[domain/]path[:tag][@digest]`, in Docker's grammar
 * (distribution/reference). Kept in familiar form: `busybox:latest`, not
 * `docker.io/library/busybox:latest`, since that is what users type and see.
 */
export interface Reference {
  /** Familiar repository name, e.g. `busybox`, `me/app`, `localhost:5000/app`. */
  repository: string;
  tag?: string;
  digest?: Digest;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;

export function parseReference(s: string): Reference {
  const bad = (why: string) => new InvalidArgumentError(`invalid reference format${why ? ': ' + why : ''}: ${JSON.stringify(s)}`);
  if (!s) throw bad('empty');
  if (s.length > 255 + 128 + 80) throw bad('too long');
  let rest = s;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) throw bad('bad digest');
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad('bad tag');
  }
  const parts = rest.split('/');
  let domain: string | undefined;
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost' || /[A-Z]/.test(parts[0]!))) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) throw bad('bad registry host');
  }
  if (parts.length === 0) throw bad('');
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      if (p.toLowerCase() !== p) throw bad('repository name must be lowercase');
      throw bad('');
    }
  }
  let path = parts.join('/');
  if (domain === 'docker.io' || domain === 'index.docker.io' || domain === undefined) {
    if (path.startsWith('library/') && path.split('/').length === 2) path = path.slice(8);
    domain = undefined;
  }
  const repository = domain ? `${domain}/${path}` : path;
  if (repository.length > 255) throw bad('repository name must not be more than 255 characters');
  const r: Reference = { repository };
  if (tag !== undefined) r.tag = tag;
  if (digest) r.digest = digest;
  return r;
}

/** `repo:tag`, defaulting the tag to `latest` when neither tag nor digest is given. */
export function parseTagged(s: string): { repository: string; tag: string } {
  const r = parseReference(s);
  if (r.digest) throw new InvalidArgumentError(`${JSON.stringify(s)}: a digest cannot be used as a tag`);
  return { repository: r.repository, tag: r.tag ?? 'latest' };
}

export function formatTagged(r: { repository: string; tag: string }): string {
  return `${r.repository}:${r.tag}`;
}

/** The fully qualified name, for archives (`docker.io/library/busybox:latest`). */
export function qualifiedName(repository: string): string {
  const first = repository.split('/')[0]!;
  const hasDomain = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain) return repository;
  return repository.includes('/') ? `docker.io/${repository}` : `docker.io/library/${repository}`;
}
