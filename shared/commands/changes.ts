import { InvalidArgumentError } from '../errors.ts';
import type { ContainerConfig } from '../image/config.ts';
import { parseDockerfile } from '../dockerfile/dockerfile.ts';
import { expandWord, expandWords } from '../dockerfile/shell.ts';
import { applyMetadata, getEnv } from '../build/metadata.ts';

const ALLOWED = new Set(['cmd', 'entrypoint', 'env', 'expose', 'label', 'onbuild', 'user', 'volume', 'workdir']);

/**
 * Apply `commit -c` / `import -c` changes: Dockerfile instructions that only touch the
 * config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR), with
 * ENV variables of the config in scope, as Docker does.
 */
export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const c: ContainerConfig = structuredClone(config);
  for (const change of changes) {
    let df;
    try {
      df = parseDockerfile(`FROM scratch\n${change}\n`, { file: '--change' });
    } catch (err) {
      throw new InvalidArgumentError(`invalid change ${JSON.stringify(change)}: ${err instanceof Error ? err.message.replace(/^--change:\d+: /, '') : String(err)}`);
    }
    for (const inst of df.stages[0]!.instructions) {
      if (!ALLOWED.has(inst.kind)) throw new InvalidArgumentError(`${inst.name.toUpperCase()} is not a valid change command`);
      const lookup = (n: string) => getEnv(c.Env, n);
      applyMetadata(c, inst, (w) => expandWord(w, lookup).value, (w) => expandWords(w, lookup).words, { where: '--change' });
    }
  }
  return c;
}
