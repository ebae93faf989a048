/**
 * The Dockerfile instruction keywords, lower case, as BuildKit's `command` package
 * names them. Instructions are case-insensitive: compare against `keyword.toLowerCase()`.
 */
export const Keyword = {
  ADD: 'add',
  ARG: 'arg',
  CMD: 'cmd',
  COPY: 'copy',
  ENTRYPOINT: 'entrypoint',
  ENV: 'env',
  EXPOSE: 'expose',
  FROM: 'from',
  HEALTHCHECK: 'healthcheck',
  LABEL: 'label',
  MAINTAINER: 'maintainer',
  ONBUILD: 'onbuild',
  RUN: 'run',
  SHELL: 'shell',
  STOPSIGNAL: 'stopsignal',
  USER: 'user',
  VOLUME: 'volume',
  WORKDIR: 'workdir',
} as const;

export type Keyword = (typeof Keyword)[keyof typeof Keyword];

/** Every instruction keyword, lower case. */
export const KEYWORDS: ReadonlySet<string> = new Set<string>(Object.values(Keyword));

export function isKeyword(word: string): word is Keyword {
  return KEYWORDS.has(word);
}

/** Instructions whose shell form may carry heredocs (`RUN <<EOF`). */
export const HEREDOC_KEYWORDS: ReadonlySet<string> = new Set<string>([Keyword.RUN, Keyword.COPY, Keyword.ADD]);

/** Instructions that may not be an ONBUILD trigger. */
export const FORBIDDEN_TRIGGERS: ReadonlySet<string> = new Set<string>([
  Keyword.ONBUILD,
  Keyword.FROM,
  Keyword.MAINTAINER,
]);
