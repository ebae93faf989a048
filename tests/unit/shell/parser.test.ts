import { describe, expect, it } from 'vitest';
import type { Command, List, SimpleCommand, Word } from '../../../shared/shell/ast.ts';
import { parse, Parser, ShellSyntaxError } from '../../../shared/shell/parser.ts';

function words(c: Command): string[] {
  expect(c.type).toBe('simple');
  return (c as SimpleCommand).args.map((w: Word) => w.text);
}

function syntaxError(src: string, lineBase = 1): ShellSyntaxError {
  try {
    parse(src, lineBase);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed without error: ${JSON.stringify(src)}`);
}

describe('shell parser', () => {
  it('parses a RUN line into and-lists, a pipeline and simple commands', () => {
    const list = parse('apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* && echo "done $HOME" | tee /tmp/x', 0);
    expect(list.items).toHaveLength(1);
    // ((a && b) && c) && (d | e)
    let node = list.items[0]!.command;
    const chain: Command[] = [];
    while (node.type === 'and') {
      chain.unshift(node.right);
      node = node.left;
    }
    chain.unshift(node);
    expect(chain).toHaveLength(4);
    expect(words(chain[0]!)).toEqual(['apt-get', 'update']);
    expect(words(chain[1]!)).toEqual(['apt-get', 'install', '-y', 'curl']);
    expect(words(chain[2]!)).toEqual(['rm', '-rf', '/var/lib/apt/lists/*']);
    const pipe = chain[3]!;
    expect(pipe.type).toBe('pipeline');
    if (pipe.type !== 'pipeline') return;
    expect(words(pipe.commands[0]!)).toEqual(['echo', '"done $HOME"']);
    expect(words(pipe.commands[1]!)).toEqual(['tee', '/tmp/x']);
    const dq = (pipe.commands[0] as SimpleCommand).args[1]!.parts[0]!;
    expect(dq.kind).toBe('dq');
    if (dq.kind === 'dq') expect(dq.parts.map((p) => p.kind)).toEqual(['lit', 'param']);
  });

  it('recognizes keywords only where a command starts', () => {
    const list = parse('echo if then fi; if true; then echo in; fi');
    expect(words(list.items[0]!.command)).toEqual(['echo', 'if', 'then', 'fi']);
    expect(list.items[1]!.command.type).toBe('if');
  });

  it('separates assignments, words and redirections', () => {
    const c = parse('A=1 B="x y" cmd arg C=3 2>&1 >out <in').items[0]!.command as SimpleCommand;
    expect(c.assigns.map((a) => a.name)).toEqual(['A', 'B']);
    expect(c.args.map((w) => w.text)).toEqual(['cmd', 'arg', 'C=3']);
    expect(c.redirs.map((r) => [r.fd, r.op, r.target.text])).toEqual([
      [2, '>&', '1'],
      [null, '>', 'out'],
      [null, '<', 'in'],
    ]);
  });

  it('reads here-documents after the line that opens them', () => {
    const list = parse('cat <<EOF; cat <<-\'END\'\nhello $x\nEOF\n\tliteral $y\n\tEND\necho after\n');
    const first = list.items[0]!.command as SimpleCommand;
    const second = list.items[1]!.command as SimpleCommand;
    expect(first.redirs[0]!.heredoc).toMatchObject({ delim: 'EOF', quoted: false });
    expect(first.redirs[0]!.heredoc!.body.text).toBe('hello $x\n');
    expect(first.redirs[0]!.heredoc!.body.parts.map((p) => p.kind)).toEqual(['lit', 'param', 'lit']);
    expect(second.redirs[0]!.heredoc).toMatchObject({ delim: 'END', quoted: true });
    expect(second.redirs[0]!.heredoc!.body.text).toBe('literal $y\n');
    expect(words(list.items[2]!.command)).toEqual(['echo', 'after']);
  });

  it('parses $(...) recursively, so a case pattern\'s ) does not end it', () => {
    const c = parse('x=$(case a in a) echo yes;; esac)').items[0]!.command as SimpleCommand;
    const part = c.assigns[0]!.value.parts[0]!;
    expect(part.kind).toBe('cmd');
    if (part.kind === 'cmd') expect(part.body.items[0]!.command.type).toBe('case');
  });

  it('parses functions, compound commands and their redirections', () => {
    const list = parse('f() { echo a; } >log\nwhile false; do :; done 2>/dev/null\nfor i in 1 2; do echo $i; done');
    const f = list.items[0]!.command;
    expect(f.type).toBe('function');
    if (f.type === 'function') {
      expect(f.name).toBe('f');
      expect(f.body.type).toBe('group');
      if (f.body.type === 'group') expect(f.body.redirs[0]!.target.text).toBe('log');
    }
    expect(list.items[1]!.command.type).toBe('loop');
    const loop = list.items[2]!.command;
    expect(loop.type === 'for' && loop.words!.map((w) => w.text)).toEqual(['1', '2']);
  });

  it('gives one command line at a time', () => {
    const p = new Parser('echo a; echo b\n\necho c\n');
    const lines: (List | null)[] = [];
    for (let l = p.next(); l; l = p.next()) lines.push(l);
    expect(lines.map((l) => l!.items.length)).toEqual([2, 0, 1]);
  });

  // Wording and line numbers as busybox ash prints them (checked against it).
  const errors: [string, string, number][] = [
    ['if true; then fi\n', 'unexpected "fi"', 1],
    ['echo a\necho (\n', 'unexpected newline (expecting ")")', 3],
    ['if true\n', 'unexpected end of file (expecting "then")', 2],
    ['if true\n\n\n', 'unexpected end of file (expecting "then")', 4],
    ['if true; then\n echo\n', 'unexpected end of file (expecting "fi")', 3],
    ['echo a;;\n', 'unexpected ";;"', 1],
    ['f() { echo\n}\n}\n', 'unexpected "}"', 3],
    ['case a in\n b) echo;;\n c echo;;\nesac\n', 'unexpected word (expecting ")")', 3],
    ['echo "abc\n\n', 'unterminated quoted string', 3],
    ["echo 'x", 'unterminated quoted string', 1],
    ['echo ${x\n', "missing '}'", 1],
    ['echo $((1+2\n', "missing '))'", 2],
    ['for 1 in a; do :; done\n', 'bad for loop variable', 1],
    ['1f() { :; }\n', 'bad function name', 1],
    ['export() { :; }\n', 'bad function name', 1],
    ['x=$(echo\n', 'unexpected end of file (expecting ")")', 2],
    ['echo `echo\n', 'EOF in backquote substitution', 2],
    ['while :; do\ndone\n', 'unexpected "done"', 2],
    ['echo a &&\n', 'unexpected end of file', 2],
    ['! ! echo a\n', 'unexpected "!"', 1],
    ['echo )\n', 'unexpected ")"', 1],
    ['{ }\n', 'unexpected "}"', 1],
    ['echo a; ; echo b\n', 'unexpected ";"', 1],
    ['echo >\n', 'unexpected newline', 2],
    ['for in x\n', 'unexpected word (expecting "do")', 1],
    ['{ echo\n', 'unexpected end of file (expecting "}")', 2],
  ];
  for (const [src, detail, line] of errors) {
    it(`reports ${JSON.stringify(src)} as "${detail}" on line ${line}`, () => {
      const e = syntaxError(src);
      expect(e.detail).toBe(detail);
      expect(e.line).toBe(line);
      expect(e.message).toBe(`line ${line}: syntax error: ${detail}`);
    });
  }

  it('counts lines from 0 for sh -c text, as ash does', () => {
    expect(syntaxError('echo\nif then', 0).line).toBe(1);
  });

  it('marks errors that more input could fix as incomplete', () => {
    expect(syntaxError('if true; then\n').incomplete).toBe(true);
    expect(syntaxError('echo "open\n').incomplete).toBe(true);
    expect(syntaxError('echo $(ls\n').incomplete).toBe(true);
    expect(syntaxError('echo )\n').incomplete).toBe(false);
    expect(syntaxError('if true; then fi\n').incomplete).toBe(false);
  });

  it('keeps a malformed ${...} for expansion time, as ash does', () => {
    const c = parse('echo ${x!y} ${#x:-1} ${x/a/b} ${x:1:2}').items[0]!.command as SimpleCommand;
    const ops = c.args.slice(1).map((w) => (w.parts[0]!.kind === 'param' ? w.parts[0]!.op : null));
    expect(ops).toEqual(['bad', 'bad', '/', ':']);
  });
});
