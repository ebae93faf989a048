/** Every builtin, by name. */
import { CORE_BUILTINS } from './core.ts';
import { echo, printf } from './printf.ts';
import { read } from './read.ts';
import { test } from './test.ts';
import type { Builtin } from './types.ts';

export type { Builtin } from './types.ts';

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ...CORE_BUILTINS,
  ['echo', echo],
  ['printf', printf],
  ['read', read],
  ['test', test],
  ['[', test],
]);
