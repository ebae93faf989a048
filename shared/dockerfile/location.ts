/** Where an instruction, error or warning sits in its Dockerfile; lines count from 1. */
export interface Location {
  file: string;
  startLine: number;
  /** The last line, heredoc bodies and continuation lines included. */
  endLine: number;
}

/** `Dockerfile:7` — the form every message starts with. */
export function formatLocation(loc: Location): string {
  return `${loc.file}:${loc.startLine}`;
}
