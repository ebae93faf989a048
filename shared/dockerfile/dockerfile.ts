import type { Directive } from './directives.ts';
import { DockerfileError, makeWarning, type DockerfileWarning } from './error.ts';
import { toInstruction, type ArgInstruction, type FromInstruction, type Instruction } from './instructions.ts';
import { Keyword } from './keywords.ts';
import { parse, type ParseOptions } from './parser.ts';
import { checkVariables } from './variables.ts';

/**
 * A build stage: one FROM and the instructions up to the next FROM. Stage 3 of the
 * pipeline (the builder) turns each stage into layers.
 */
export interface Stage {
  /** `AS name`, lower-cased; COPY --from and FROM may refer to it. */
  name?: string;
  /** Position among the stages, from 0; COPY --from=<index> refers to it. */
  index: number;
  from: FromInstruction;
  /** The stage's instructions after its FROM, in order. */
  instructions: Instruction[];
}

/** A parsed, checked Dockerfile. Immutable by convention: the builder only reads it. */
export interface Dockerfile {
  /** The name messages use: `Dockerfile` unless opts.file said otherwise. */
  file: string;
  /** `# syntax=`, `# escape=`, `# check=` lines at the top, in order. */
  directives: Directive[];
  /** `\` or the backtick; the builder expands words with it. */
  escapeChar: string;
  /** ARG instructions before the first FROM: the scope of FROM lines. */
  metaArgs: ArgInstruction[];
  stages: Stage[];
  warnings: DockerfileWarning[];
}

/**
 * Parses and checks a Dockerfile: text → nodes → instructions → stages.
 * @throws DockerfileError (an InvalidArgumentError) naming the file and line, e.g.
 *   `Dockerfile:7: unknown instruction "FORM" (did you mean FROM?)`.
 */
export function parseDockerfile(text: string, opts: ParseOptions = {}): Dockerfile {
  const file = opts.file ?? 'Dockerfile';
  const parsed = parse(text, { file });
  const ctx = { file, escapeChar: parsed.escapeChar };
  const warnings = [...parsed.warnings];
  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];

  for (const node of parsed.nodes) {
    const inst = toInstruction(node, ctx);
    if (inst.kind === 'from') {
      stages.push({ name: inst.stageName, index: stages.length, from: inst, instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) {
      if (inst.kind === 'arg') {
        metaArgs.push(inst);
        continue;
      }
      throw new DockerfileError(
        `${node.name.toUpperCase()} before FROM: a Dockerfile must start with FROM (optionally after ARG)`,
        inst.location,
      );
    }
    stage.instructions.push(inst);
    if (node.keyword === Keyword.MAINTAINER) {
      warnings.push(
        makeWarning('MaintainerDeprecated', 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=... instead', inst.location),
      );
    }
  }

  if (stages.length === 0) {
    const last = metaArgs[metaArgs.length - 1]!;
    throw new DockerfileError('no FROM instruction: a Dockerfile needs at least one stage (FROM <image>)', last.location);
  }

  const seen = new Map<string, Stage>();
  for (const stage of stages) {
    if (stage.name === undefined) continue;
    if (stage.name === 'scratch' || stage.name === 'context') {
      warnings.push(makeWarning('ReservedStageName', `stage name ${JSON.stringify(stage.name)} is reserved`, stage.from.location));
    }
    const first = seen.get(stage.name);
    if (first) {
      warnings.push(
        makeWarning(
          'DuplicateStageName',
          `duplicate stage name ${JSON.stringify(stage.name)} (first used on line ${first.from.location.startLine}); stage names should be unique`,
          stage.from.location,
        ),
      );
    } else {
      seen.set(stage.name, stage);
    }
  }

  warnings.push(...checkVariables(metaArgs, stages, parsed.escapeChar));
  warnings.sort((a, b) => a.location.startLine - b.location.startLine);
  return { file, directives: parsed.directives, escapeChar: parsed.escapeChar, metaArgs, stages, warnings };
}
