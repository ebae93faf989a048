import type { Stage } from './dockerfile.ts';
import { DockerfileError, makeWarning, type DockerfileWarning } from './error.ts';
import type { ArgInstruction, Instruction } from './instructions.ts';
import type { Location } from './location.ts';
import { expandWord, variableReferences } from './shell.ts';
import { suggest } from './suggest.ts';

/**
 * The ARGs BuildKit defines in the global scope without a declaration, so FROM lines may
 * use them (`FROM --platform=$BUILDPLATFORM ...`). Inside a stage they need `ARG NAME`.
 */
export const AUTOMATIC_PLATFORM_ARGS: ReadonlySet<string> = new Set([
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
]);

/**
 * What can be known about variables before building, from the Dockerfile alone:
 * - a FROM that substitutes `$X` directly while X is not a meta ARG (declared before the
 *   first FROM) is an error; `${X:-default}` forms only warn;
 * - a word that uses `$X` where `ARG X` comes only later in the same stage (or the meta
 *   scope) is an error naming both lines;
 * - any other undefined variable is a warning, but only where the whole scope is known
 *   (meta ARGs, and stages built on `scratch`): elsewhere the base image's ENV may define
 *   it, and the builder, which knows that ENV, decides with `Instruction.variables`.
 * @throws DockerfileError for the errors above.
 */
export function checkVariables(metaArgs: ArgInstruction[], stages: Stage[], esc: string): DockerfileWarning[] {
  const warnings: DockerfileWarning[] = [];

  // Meta ARGs: each default sees the platform ARGs and the meta ARGs above it.
  const metaDecls = declarations(metaArgs);
  const meta = new Set<string>(AUTOMATIC_PLATFORM_ARGS);
  metaArgs.forEach((inst, pos) => {
    inst.args.forEach((def, defIndex) => {
      if (def.default !== undefined) {
        for (const name of variableReferences(def.default, esc).referenced) {
          check(name, meta, true, metaDecls, pos, defIndex, inst.location, warnings);
        }
      }
      meta.add(def.name);
    });
  });

  const known: { envKnown: boolean; names: Set<string> }[] = [];
  for (const stage of stages) {
    const from = stage.from;
    for (const word of [from.image, from.platform]) {
      if (word === undefined || !word.includes('$')) continue;
      const refs = variableReferences(word, esc);
      for (const name of refs.referenced) {
        if (meta.has(name)) continue;
        const near = suggest(name, meta, true);
        const hint = near !== undefined ? ` (did you mean $${near}?)` : '';
        if (refs.direct.includes(name)) {
          throw new DockerfileError(
            `FROM uses $${name}, which is not declared: add "ARG ${name}" before the first FROM${hint}`,
            from.location,
          );
        }
        warnings.push(makeWarning('UndefinedArgInFrom', `FROM argument '${name}' is not declared${hint}`, from.location));
      }
    }

    // The scope a stage starts with: nothing on scratch, what an earlier stage ended with
    // when it is built on that stage, unknown on an image.
    const image = from.image.toLowerCase();
    let envKnown = false;
    let names = new Set<string>();
    if (image === 'scratch') {
      envKnown = true;
      names = new Set(['PATH']); // BuildKit gives scratch a default PATH
    } else if (!image.includes('$')) {
      const base = stages.findIndex((s) => s.index < stage.index && s.name === image);
      if (base >= 0) {
        envKnown = known[base]!.envKnown;
        names = new Set(known[base]!.names);
      }
    }

    const decls = declarations(stage.instructions);
    stage.instructions.forEach((inst, pos) => {
      if (inst.kind === 'arg') {
        inst.args.forEach((def, defIndex) => {
          if (def.default !== undefined) {
            for (const name of variableReferences(def.default, esc).referenced) {
              check(name, names, envKnown, decls, pos, defIndex, inst.location, warnings);
            }
          }
          names.add(def.name);
        });
        return;
      }
      for (const name of inst.variables) check(name, names, envKnown, decls, pos, Infinity, inst.location, warnings);
      if (inst.kind === 'env') for (const p of inst.pairs) addKey(names, p.key, esc);
    });
    known.push({ envKnown, names });
  }
  return warnings;
}

interface Declaration {
  pos: number;
  defIndex: number;
  line: number;
}

/** Where each ARG name is declared in a list of instructions. */
function declarations(instructions: readonly Instruction[]): Map<string, Declaration[]> {
  const out = new Map<string, Declaration[]>();
  instructions.forEach((inst, pos) => {
    if (inst.kind !== 'arg') return;
    inst.args.forEach((def, defIndex) => {
      const list = out.get(def.name) ?? [];
      list.push({ pos, defIndex, line: inst.location.startLine });
      out.set(def.name, list);
    });
  });
  return out;
}

function check(
  name: string,
  scope: Set<string>,
  complete: boolean,
  decls: Map<string, Declaration[]>,
  pos: number,
  defIndex: number,
  location: Location,
  warnings: DockerfileWarning[],
): void {
  if (scope.has(name)) return;
  const later = decls.get(name)?.find((d) => d.pos > pos || (d.pos === pos && d.defIndex > defIndex));
  if (later) {
    const where = later.line === location.startLine ? 'later on the same line' : `on line ${later.line}`;
    throw new DockerfileError(
      `$${name} is used before "ARG ${name}" ${where} declares it; move the ARG above its first use`,
      location,
    );
  }
  if (!complete) return;
  const near = suggest(name, scope, true);
  warnings.push(
    makeWarning('UndefinedVar', `Usage of undefined variable '$${name}'${near !== undefined ? ` (did you mean $${near}?)` : ''}`, location),
  );
}

/** Adds an ENV key to the scope; a key that itself uses a variable is not knowable. */
function addKey(names: Set<string>, key: string, esc: string): void {
  if (key.includes('$')) return;
  try {
    names.add(expandWord(key, () => undefined, { escapeChar: esc }).value);
  } catch {
    // a malformed key was reported when the instruction was read
  }
}
