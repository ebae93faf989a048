import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../shared/errors.ts';
import {
  DockerfileError,
  expandedWords,
  parse,
  parseDockerfile,
  type RunInstruction,
  type CopyInstruction,
  type OnbuildInstruction,
} from '../../../shared/dockerfile/index.ts';
import { heredocsFromLine, parseHeredocWord } from '../../../shared/dockerfile/heredoc.ts';

function errorOf(text: string, file?: string): DockerfileError {
  try {
    parseDockerfile(text, file === undefined ? {} : { file });
  } catch (err) {
    if (err instanceof DockerfileError) return err;
    throw err;
  }
  throw new Error('expected a DockerfileError');
}

describe('parse (nodes)', () => {
  it('keeps start and end lines across continuations, comments and heredocs', () => {
    const { nodes } = parse('FROM a\n\nRUN x \\\n  # c\n  y\nCOPY <<EOF /f\nbody\nEOF\nCMD z\n');
    expect(nodes.map((n) => [n.keyword, n.startLine, n.endLine])).toEqual([
      ['from', 1, 1],
      ['run', 3, 5],
      ['copy', 6, 8],
      ['cmd', 9, 9],
    ]);
    expect(nodes[1]!.original).toBe('RUN x   y');
    expect(nodes[1]!.source).toBe('RUN x \\\n  # c\n  y');
    expect(nodes[2]!.source).toBe('COPY <<EOF /f\nbody\nEOF');
  });

  it('records the comments right above an instruction', () => {
    const { nodes } = parse('# about a\n# more\nFROM a\n\n# reset by nothing\n#\nRUN b\n');
    expect(nodes[0]!.comments).toEqual(['about a', 'more']);
    expect(nodes[1]!.comments).toEqual([]);
  });

  it('takes flags off with quotes removed and keeps the rest raw', () => {
    const { nodes } = parse('FROM a\nCOPY --from="build stage" --chown=1:1 "a b" c\n');
    expect(nodes[1]!.flags).toEqual(['--from=build stage', '--chown=1:1']);
    expect(nodes[1]!.args).toEqual(['"a', 'b"', 'c']);
  });

  it('splits ENV pairs the BuildKit way', () => {
    const { nodes } = parse('ENV a=1 b="x y" c=z\\ w\nENV legacy  two  words\n');
    expect(nodes[0]!.pairs).toEqual([
      { key: 'a', value: '1', legacy: false },
      { key: 'b', value: '"x y"', legacy: false },
      { key: 'c', value: 'z\\ w', legacy: false },
    ]);
    expect(nodes[1]!.pairs).toEqual([{ key: 'legacy', value: 'two  words', legacy: true }]);
  });

  it('records directives and the escape character', () => {
    const p = parse('# syntax=docker/dockerfile:1\n#Escape = `\nFROM a\nRUN b `\n c\n');
    expect(p.directives).toEqual([
      { name: 'syntax', value: 'docker/dockerfile:1', line: 1 },
      { name: 'escape', value: '`', line: 2 },
    ]);
    expect(p.escapeChar).toBe('`');
    expect(p.nodes[1]!.original).toBe('RUN b  c');
  });

  it('a directive after a blank line is a comment', () => {
    const p = parse('\n# escape=`\nFROM a\n');
    expect(p.directives).toEqual([]);
    expect(p.escapeChar).toBe('\\');
  });

  it('attaches ONBUILD heredocs to the ONBUILD node and parses its child', () => {
    const { nodes } = parse('ONBUILD COPY <<EOF /x\nhi\nEOF\n');
    expect(nodes[0]!.child?.keyword).toBe('copy');
    expect(nodes[0]!.heredocs.map((h) => h.content)).toEqual(['hi\n']);
  });

  it('does not read heredocs for JSON forms or other instructions', () => {
    const { nodes } = parse('RUN ["<<EOF"]\nUSER <<EOF\nLABEL a=<<EOF\nCMD x\n');
    expect(nodes.map((n) => n.heredocs.length)).toEqual([0, 0, 0, 0]);
    expect(nodes).toHaveLength(4);
  });
});

describe('heredoc words (as BuildKit parses them)', () => {
  it.each([
    ['<<EOF', 'EOF', true, false],
    ["<<'EOF'", 'EOF', false, false],
    ['<<"EOF"', 'EOF', false, false],
    ['<<-EOF', 'EOF', true, true],
    ["<<-'EOF'", 'EOF', false, true],
    ['<<EO"F"', 'EOF', false, false],
    ['<< EOF', 'EOF', true, false],
    ["<<eo\\'f", "eo'f", true, false],
    ["<<'e'o\\'f", "eo'f", false, false],
    ["<<'one two'", 'one two', false, false],
    ['<<$EOF', '$EOF', true, false],
  ])('%s → name %s, expand %s, chomp %s', (word, name, expand, chomp) => {
    expect(parseHeredocWord(word)).toMatchObject({ name, expand, chomp });
  });

  it.each(['', 'EOF', '<<', '<<-', '<EOF', '<<<EOF', '<<EOF sh'])('%j is not a heredoc', (word) => {
    expect(parseHeredocWord(word)).toBeUndefined();
  });

  it('finds every heredoc on a line, with its file descriptor, and none in quotes', () => {
    expect(heredocsFromLine('RUN 4<<EOF <<EOF2').map((h) => [h.name, h.fd])).toEqual([
      ['EOF', 4],
      ['EOF2', 0],
    ]);
    expect(heredocsFromLine('RUN << -EOF').map((h) => h.name)).toEqual(['-EOF']);
    expect(heredocsFromLine("RUN '<<EOF'")).toEqual([]);
    expect(heredocsFromLine('RUN "<<EOF"')).toEqual([]);
  });
});

describe('parseDockerfile', () => {
  it('groups stages with names and indices, and meta ARGs', () => {
    const df = parseDockerfile('ARG V=1\nFROM a:$V AS One\nRUN x\nFROM one\nFROM scratch AS final\n');
    expect(df.metaArgs.map((a) => a.args)).toEqual([[{ name: 'V', default: '1' }]]);
    expect(df.stages.map((s) => [s.index, s.name, s.from.image, s.instructions.length])).toEqual([
      [0, 'one', 'a:$V', 1],
      [1, undefined, 'one', 0],
      [2, 'final', 'scratch', 0],
    ]);
  });

  it('gives every instruction its location and original text', () => {
    const df = parseDockerfile('FROM a\nRUN echo \\\n  hi\n', { file: 'build/Dockerfile.dev' });
    const run = df.stages[0]!.instructions[0] as RunInstruction;
    expect(run.location).toEqual({ file: 'build/Dockerfile.dev', startLine: 2, endLine: 3 });
    expect(run.original).toBe('RUN echo   hi');
    expect(run.command).toEqual(['echo   hi']);
  });

  it('keeps COPY words raw for the builder to expand', () => {
    const df = parseDockerfile('FROM a\nARG D=/dst\nCOPY --chown=$U "$SRC" ${D}/\n');
    const copy = df.stages[0]!.instructions[1] as CopyInstruction;
    expect(copy.sources).toEqual(['"$SRC"']);
    expect(copy.dest).toBe('${D}/');
    expect(copy.chown).toBe('$U');
    expect(copy.variables).toEqual(['SRC', 'D', 'U']);
    expect(expandedWords(copy).map((w) => w.word)).toEqual(['"$SRC"', '${D}/', '$U']);
  });

  it('chomps <<- heredoc content and keeps the expand flag', () => {
    const df = parseDockerfile('FROM a\nCOPY <<-"EOF" /x\n\t\tline $A\n\tEOF\n');
    const copy = df.stages[0]!.instructions[0] as CopyInstruction;
    expect(copy.contents).toEqual([{ name: 'EOF', content: 'line $A\n', expand: false, fd: 0, chomp: true }]);
    expect(copy.variables).toEqual([]);
  });

  it('parses the ONBUILD trigger and keeps its expression', () => {
    const df = parseDockerfile('FROM a\nonbuild   COPY --chown=1 . /app\n');
    const ob = df.stages[0]!.instructions[0] as OnbuildInstruction;
    expect(ob.expression).toBe('COPY --chown=1 . /app');
    expect(ob.trigger.kind).toBe('copy');
    expect((ob.trigger as CopyInstruction).chown).toBe('1');
  });

  it('allows FROM to use the automatic platform ARGs without declaring them', () => {
    expect(() => parseDockerfile('FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=${TARGETPLATFORM} alpine\n')).not.toThrow();
  });

  it('only warns for a FROM variable with a default', () => {
    const df = parseDockerfile('FROM ${BASE:-alpine}\n');
    expect(df.warnings.map((w) => w.rule)).toEqual(['UndefinedArgInFrom']);
  });

  it('does not warn about variables the base image may define', () => {
    const df = parseDockerfile('FROM golang\nWORKDIR $GOPATH/src\nENV PATH=$PATH:/x\n');
    expect(df.warnings).toEqual([]);
  });

  it('warns with a suggestion where the scope is known', () => {
    const df = parseDockerfile('FROM scratch\nARG VERSION=1\nLABEL v=$VERSON\n');
    expect(df.warnings.map((w) => w.message)).toEqual([
      "Dockerfile:3: Usage of undefined variable '$VERSON' (did you mean $VERSION?)",
    ]);
  });

  it('an ENV value refers to the ENV before its instruction', () => {
    const df = parseDockerfile('FROM scratch\nENV A=1 B=$A\n');
    expect(df.warnings.map((w) => w.rule)).toEqual(['UndefinedVar']);
    expect(parseDockerfile('FROM scratch\nENV A=1\nENV B=$A\n').warnings).toEqual([]);
  });

  it('an ARG default may use an ARG declared earlier on the same line', () => {
    expect(parseDockerfile('FROM scratch\nARG A=1 B=$A\n').warnings).toEqual([]);
  });

  it('does not check shell-form commands, which the shell expands', () => {
    expect(() => parseDockerfile('FROM a\nRUN echo $LATER\nARG LATER\n')).not.toThrow();
  });
});

describe('errors', () => {
  it('are DockerfileError, an InvalidArgumentError, with file and line', () => {
    const err = errorOf('FROM a\n\nFORM b\n', 'ctx/Dockerfile');
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toBe('ctx/Dockerfile:3: unknown instruction "FORM" (did you mean FROM?)');
    expect(err.file).toBe('ctx/Dockerfile');
    expect(err.line).toBe(3);
    expect(err.detail).toBe('unknown instruction "FORM" (did you mean FROM?)');
  });

  it('name the first line of a multi-line instruction and cover all of it', () => {
    const err = errorOf('FROM a\nCOPY \\\n  one\n');
    expect(err.location).toEqual({ file: 'Dockerfile', startLine: 2, endLine: 3 });
  });

  it('name both lines for an ARG used before its declaration', () => {
    const err = errorOf('FROM a\nUSER $APP_USER\nRUN true\nARG APP_USER=app\n');
    expect(err.message).toBe(
      'Dockerfile:2: $APP_USER is used before "ARG APP_USER" on line 4 declares it; move the ARG above its first use',
    );
  });

  it('suggest declaring a meta ARG for an undeclared FROM variable', () => {
    expect(errorOf('FROM alpine:$TAG\n').message).toBe(
      'Dockerfile:1: FROM uses $TAG, which is not declared: add "ARG TAG" before the first FROM',
    );
  });

  it('stay on one line whatever they quote', () => {
    const err = errorOf('FROM a\nCOPY <<EOF\nline\n');
    expect(err.message).not.toMatch(/\n/);
  });
});
