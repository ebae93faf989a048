// The docker-compatible command line of layerbox: grammar, help, dispatch, and output
// formatting. Pure core: runs wherever the engine runs.
export {
  type FlagSpec,
  type FlagType,
  type FlagValue,
  type ParseOptions,
  type ParsedArgs,
  FlagDefinitionError,
  FlagError,
  FlagValues,
  checkFlagSpecs,
  defaultText,
  flagTypeName,
  parseArgs,
} from './args.ts';
export {
  type ArgsSpec,
  type CliIO,
  type CommandContext,
  type CommandSpec,
  type ProgramSpec,
  type RunResult,
  StatusError,
  checkCommandTable,
  runCli,
  shortcut,
} from './command.ts';
export { type HelpView, flagUsages, helpString, usageString } from './help.ts';
export {
  type TemplateFunction,
  type TemplateOptions,
  Template,
  TemplateError,
  parseTemplate,
  renderTemplate,
} from './template.ts';
export { type ParamType, type TemplateFunc, BUILTIN_FUNCS, DOCKER_FUNCS, HEADER_FUNCS } from './template-funcs.ts';
export {
  GO_NIL,
  GO_TYPE,
  NIL_LIST,
  NIL_MAP,
  formatFloat,
  goQuote,
  goSprint,
  goSprintf,
  goString,
  goStruct,
} from './gofmt.ts';
export { GO_JSON, goJson, rfc3339Nano } from './gojson.ts';
export {
  type ContainerStateView,
  type FormatRowsOptions,
  type ResolveFormatOptions,
  JSON_FORMAT,
  charWidth,
  containerStatus,
  createdSince,
  ellipsis,
  formatInspect,
  formatRows,
  indentJson,
  inspectJson,
  isTableFormat,
  resolveFormat,
  stringifyCommand,
  truncateId,
} from './format.ts';
export { DOCKER_TABLE, TabWriter, type TabWriterOptions, tabulate } from './table.ts';
export {
  bytesSize,
  fromHumanSize,
  goDurationString,
  humanDuration,
  humanSize,
  parseGoDuration,
  ramInBytes,
} from './units.ts';
export { type ProgressOptions, type ProgressReporter, type ProgressTask, createProgress, progressText } from './progress.ts';
