// .dockerignore semantics, from Docker's documentation of the file
// (docs.docker.com/build/concepts/context/#dockerignore-files) and the behaviour of
// moby/patternmatcher and fsutil that the documentation describes.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../shared/errors.ts';
import { createDockerignore, parseDockerignore } from '../../../shared/dockerfile/index.ts';

const excluded = (text: string, path: string): boolean => createDockerignore(text).excludes(path);

describe('the documentation example', () => {
  const ignore = createDockerignore('# comment\n*/temp*\n*/*/temp*\ntemp?\n');

  it('*/temp* excludes names starting with temp one level down', () => {
    expect(ignore.excludes('somedir/temporary.txt')).toBe(true);
    expect(ignore.excludes('somedir/temp')).toBe(true);
  });
  it('*/temp* does not reach the root or two levels down by itself', () => {
    expect(createDockerignore('*/temp*').excludes('temporary.txt')).toBe(false);
    expect(createDockerignore('*/temp*').excludes('a/b/temporary.txt')).toBe(false);
  });
  it('*/*/temp* excludes two levels down', () => {
    expect(ignore.excludes('somedir/subdir/temporary.txt')).toBe(true);
  });
  it('temp? excludes one-character extensions of temp in the root', () => {
    expect(ignore.excludes('tempa')).toBe(true);
    expect(ignore.excludes('tempb')).toBe(true);
    expect(ignore.excludes('temp')).toBe(false);
    expect(ignore.excludes('tempab')).toBe(false);
  });
  it('the comment line is not a pattern', () => {
    expect(ignore.patterns.map((p) => p.pattern)).toEqual(['*/temp*', '*/*/temp*', 'temp?']);
    expect(ignore.excludes('# comment')).toBe(false);
  });
});

describe('wildcards', () => {
  it('**/*.go excludes .go files in every directory, the root included', () => {
    const ig = createDockerignore('**/*.go');
    expect(ig.excludes('main.go')).toBe(true);
    expect(ig.excludes('cmd/app/main.go')).toBe(true);
    expect(ig.excludes('main.go.txt')).toBe(false);
  });
  it('* does not cross /', () => {
    expect(excluded('*.md', 'README.md')).toBe(true);
    expect(excluded('*.md', 'docs/README.md')).toBe(false);
  });
  it('? matches exactly one character that is not /', () => {
    expect(excluded('abc?def', 'abcZdef')).toBe(true);
    expect(excluded('abc?def', 'abcdef')).toBe(false);
    expect(excluded('a?b', 'a/b')).toBe(false);
  });
  it('[...] character classes and [^...] negation', () => {
    expect(excluded('a[b-d]e', 'ace')).toBe(true);
    expect(excluded('a[b-d]e', 'aae')).toBe(false);
    expect(excluded('a[^b-d]e', 'aze')).toBe(true);
  });
  it('dir/** excludes everything below dir but not dir itself', () => {
    const ig = createDockerignore('abc/**');
    expect(ig.excludes('abc')).toBe(false);
    expect(ig.excludes('abc/def')).toBe(true);
    expect(ig.excludes('abc/def/ghi')).toBe(true);
  });
  it('**/dir matches dir at any depth, and the root', () => {
    const ig = createDockerignore('**/node_modules');
    expect(ig.excludes('node_modules')).toBe(true);
    expect(ig.excludes('packages/app/node_modules/x/index.js')).toBe(true);
    expect(ig.excludes('my_node_modules')).toBe(false);
  });
  it('regular-expression characters are literal', () => {
    expect(excluded('a(b)c/def', 'a(b)c/def')).toBe(true);
    expect(excluded('abc.def', 'abcZdef')).toBe(false);
    expect(excluded('dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl')).toBe(true);
    expect(excluded('.*', '.git')).toBe(true);
    expect(excluded('.*', 'git')).toBe(false);
  });
  it('\\ escapes a wildcard', () => {
    expect(excluded('a\\*b', 'a*b')).toBe(true);
    expect(excluded('a\\*b', 'axb')).toBe(false);
  });
});

describe('directories and parents', () => {
  it('a directory pattern excludes everything inside it', () => {
    expect(excluded('docs', 'docs/README.md')).toBe(true);
    expect(excluded('docs/', 'docs/api/index.html')).toBe(true);
    expect(excluded('docs', 'documentation/x')).toBe(false);
  });
  it('the context root is never excluded', () => {
    expect(excluded('*', '.')).toBe(false);
    expect(excluded('**', '')).toBe(false);
  });
  it('* excludes everything else', () => {
    expect(excluded('*', 'anything')).toBe(true);
    expect(excluded('*', 'dir/file')).toBe(true);
  });
});

describe('exceptions with !', () => {
  it('*.md with !README.md keeps README.md only', () => {
    const ig = createDockerignore('*.md\n!README.md');
    expect(ig.excludes('CHANGELOG.md')).toBe(true);
    expect(ig.excludes('README.md')).toBe(false);
  });
  it('the last matching line wins: README-secret.md after !README*.md is excluded', () => {
    const ig = createDockerignore('*.md\n!README*.md\nREADME-secret.md');
    expect(ig.excludes('README-secret.md')).toBe(true);
    expect(ig.excludes('README-public.md')).toBe(false);
    expect(ig.excludes('NOTES.md')).toBe(true);
  });
  it('...and with the lines swapped README-secret.md is included again', () => {
    const ig = createDockerignore('*.md\nREADME-secret.md\n!README*.md');
    expect(ig.excludes('README-secret.md')).toBe(false);
  });
  it('an exception before the pattern it should except has no effect', () => {
    expect(excluded('!fileutils.go\n*.go', 'fileutils.go')).toBe(true);
  });
  it('a folder excluded with an exception for one file inside', () => {
    expect(excluded('docs\n!docs/README.md', 'docs/README.md')).toBe(false);
    expect(excluded('docs/*\n!docs/README.md', 'docs/README.md')).toBe(false);
    expect(excluded('docs\n!docs/README.md', 'docs/other.md')).toBe(true);
  });
  it('** then exceptions, then a re-exclusion', () => {
    expect(excluded('**\n!util/docker/web', 'util/docker/web/foo')).toBe(false);
    expect(excluded('**\n!util/docker/web\nutil/docker/web/foo', 'util/docker/web/foo')).toBe(true);
  });
  it('a lone ! is an error', () => {
    expect(() => createDockerignore('!')).toThrow(InvalidArgumentError);
  });
});

describe('cleaning', () => {
  it('leading / and ./ and .. elements are cleaned away', () => {
    expect(parseDockerignore('/foo\n./bar/\nbaz/../qux\n!/keep\n')).toEqual(['foo', 'bar', 'qux', '!keep']);
    expect(excluded('/foo', 'foo/x')).toBe(true);
    expect(excluded('./bar', 'bar')).toBe(true);
  });
  it('surrounding blanks are trimmed; blank lines and comments are skipped; a BOM is dropped', () => {
    expect(parseDockerignore('\uFEFF  a  \n\n\t\n# c\n  !  b \r\n')).toEqual(['a', '!b']);
  });
  it('only a # in the first column starts a comment', () => {
    expect(parseDockerignore('  # not a comment')).toEqual(['# not a comment']);
  });
  it('paths given with a leading / or ./ match the same', () => {
    const ig = createDockerignore('*.log');
    expect(ig.excludes('/x.log')).toBe(true);
    expect(ig.excludes('./x.log')).toBe(true);
  });
  it('a malformed pattern is an InvalidArgumentError naming it', () => {
    expect(() => createDockerignore('[')).toThrow(/syntax error in pattern "\["/);
    expect(() => createDockerignore('abc\\')).toThrow(InvalidArgumentError);
  });
});

describe('mayReinclude: whether an excluded directory must still be walked', () => {
  it('no exceptions: every excluded directory can be skipped', () => {
    expect(createDockerignore('node_modules').mayReinclude('node_modules')).toBe(false);
  });
  it('an exception below the directory means it must be walked', () => {
    const ig = createDockerignore('docs\n!docs/README.md');
    expect(ig.excludes('docs')).toBe(true);
    expect(ig.mayReinclude('docs')).toBe(true);
    expect(ig.mayReinclude('other')).toBe(false);
  });
  it('an exception with wildcards forces a walk of any excluded directory', () => {
    const ig = createDockerignore('*\n!**/*.go');
    expect(ig.mayReinclude('vendor')).toBe(true);
  });
  it('a trailing /** or /* on the exception still counts as a prefix', () => {
    const ig = createDockerignore('build\n!build/keep/**');
    expect(ig.mayReinclude('build')).toBe(true);
    expect(ig.mayReinclude('build/keep')).toBe(true);
    expect(ig.mayReinclude('build/drop')).toBe(false);
  });
});
