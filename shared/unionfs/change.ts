/** One line of `diff`: Added, Changed or Deleted, with an absolute path. */
export interface Change {
  kind: 'A' | 'C' | 'D';
  path: string;
}
