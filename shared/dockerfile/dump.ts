import type { Dockerfile } from './dockerfile.ts';
import type { Instruction } from './instructions.ts';

/**
 * A stable, line-oriented text form of a parsed Dockerfile, for golden tests and for
 * showing what the parser understood. One line per instruction:
 * `L<start>[-<end>] <kind> field=<JSON>...`; fields that are undefined, false or empty
 * lists are left out. Indentation groups the meta ARGs and each stage.
 */
export function dumpDockerfile(df: Dockerfile): string {
  const out: string[] = [];
  for (const d of df.directives) out.push(`directive ${d.name}=${JSON.stringify(d.value)} L${d.line}`);
  out.push(`escape ${JSON.stringify(df.escapeChar)}`);
  if (df.metaArgs.length > 0) {
    out.push('meta-args');
    for (const a of df.metaArgs) out.push('  ' + dumpInstruction(a));
  }
  for (const s of df.stages) {
    out.push(`stage ${s.index}${s.name !== undefined ? ` name=${JSON.stringify(s.name)}` : ''}`);
    out.push('  ' + dumpInstruction(s.from));
    for (const i of s.instructions) out.push('  ' + dumpInstruction(i));
  }
  if (df.warnings.length > 0) {
    out.push('warnings');
    for (const w of df.warnings) out.push(`  [${w.rule}] ${w.message}`);
  }
  return out.join('\n') + '\n';
}

const BASE_FIELDS = new Set(['kind', 'location', 'name', 'source', 'flags', 'original', 'variables']);

export function dumpInstruction(inst: Instruction): string {
  const { startLine, endLine } = inst.location;
  const lines = endLine > startLine ? `L${startLine}-${endLine}` : `L${startLine}`;
  const vars = inst.variables.length > 0 ? ` variables=${JSON.stringify(inst.variables)}` : '';
  return `${lines} ${fields(inst)}${vars} original=${JSON.stringify(inst.original)}`;
}

function fields(inst: Instruction): string {
  const parts: string[] = [inst.kind];
  for (const [key, value] of Object.entries(inst)) {
    if (BASE_FIELDS.has(key) || value === undefined || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (key === 'trigger') parts.push(`trigger=(${fields(value as Instruction)})`);
    else parts.push(`${key}=${JSON.stringify(value)}`);
  }
  return parts.join(' ');
}
