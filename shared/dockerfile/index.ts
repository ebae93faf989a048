// The Dockerfile front end: text → nodes (parser.ts) → instructions grouped in stages
// (instructions.ts, dockerfile.ts), variable expansion (shell.ts) and .dockerignore
// matching (dockerignore.ts). The builder consumes `Dockerfile` and expands the raw words.
export { parseDockerfile, type Dockerfile, type Stage } from './dockerfile.ts';
export type {
  Instruction,
  InstructionKind,
  Form,
  InlineFile,
  KeyValuePair,
  ArgDefinition,
  FromInstruction,
  RunInstruction,
  CmdInstruction,
  EntrypointInstruction,
  CopyInstruction,
  AddInstruction,
  EnvInstruction,
  ArgInstruction,
  LabelInstruction,
  WorkdirInstruction,
  UserInstruction,
  ExposeInstruction,
  VolumeInstruction,
  ShellInstruction,
  StopsignalInstruction,
  HealthcheckInstruction,
  OnbuildInstruction,
  MaintainerInstruction,
  ExpandedWord,
} from './instructions.ts';
export { expandedWords, toInstruction } from './instructions.ts';
export { parse, type Node, type ParsedFile, type ParseOptions } from './parser.ts';
export { parseHeredocWord, chompHeredoc, type Heredoc } from './heredoc.ts';
export type { Directive } from './directives.ts';
export { DockerfileError, type DockerfileWarning } from './error.ts';
export type { Location } from './location.ts';
export { Keyword, KEYWORDS, isKeyword } from './keywords.ts';
export {
  expandWord,
  expandWords,
  variableReferences,
  ExpansionError,
  type Lookup,
  type ShellOptions,
  type WordResult,
  type WordsResult,
  type References,
} from './shell.ts';
export { AUTOMATIC_PLATFORM_ARGS } from './variables.ts';
export { parseDuration, formatDuration } from './duration.ts';
export { dumpDockerfile, dumpInstruction } from './dump.ts';
export { createDockerignore, parseDockerignore, type Dockerignore, type IgnorePattern } from './dockerignore.ts';
