import { InvalidArgumentError } from '../errors.ts';
import { formatLocation, type Location } from './location.ts';

/**
 * A Dockerfile that cannot be built as written. The message is one line that starts with
 * the place: `Dockerfile:7: unknown instruction "FORM" (did you mean FROM?)`; `detail` is
 * the same without the place.
 */
export class DockerfileError extends InvalidArgumentError {
  readonly location: Location;
  readonly detail: string;

  constructor(detail: string, location: Location, options?: { cause?: unknown }) {
    super(`${formatLocation(location)}: ${oneLine(detail)}`, options);
    this.location = location;
    this.detail = oneLine(detail);
  }

  get file(): string {
    return this.location.file;
  }
  get line(): number {
    return this.location.startLine;
  }
}

/** Something Docker accepts but that is probably a mistake; building goes on. */
export interface DockerfileWarning {
  /** A short rule name, as BuildKit's checks call them: `UndefinedVar`, `MaintainerDeprecated`... */
  rule: string;
  detail: string;
  location: Location;
  /** `Dockerfile:7: <detail>` */
  message: string;
}

export function makeWarning(rule: string, detail: string, location: Location): DockerfileWarning {
  const d = oneLine(detail);
  return { rule, detail: d, location, message: `${formatLocation(location)}: ${d}` };
}

/** Messages stay on one line, whatever text they quote. */
function oneLine(s: string): string {
  return s.replace(/\r?\n|\r/g, '\\n');
}
