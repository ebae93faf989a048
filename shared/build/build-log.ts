/**
 * Build progress in the shape of `docker build --progress=plain`: numbered vertices,
 * `#N [stage i/n] INSTRUCTION`, then `#N CACHED` or `#N DONE 0.1s`.
 */
export class BuildLog {
  private n = 0;
  constructor(
    private readonly write: (line: string) => void,
    private readonly clock: () => number,
  ) {}

  /** Start a vertex; returns a handle to report on it. */
  step(title: string): { log(text: string): void; cached(): void; done(): void; error(msg: string): void } {
    const id = ++this.n;
    const started = this.clock();
    this.write(`#${id} ${title}`);
    return {
      log: (text) => {
        for (const line of text.split('\n')) if (line) this.write(`#${id} ${line}`);
      },
      cached: () => this.write(`#${id} CACHED`),
      done: () => this.write(`#${id} DONE ${((this.clock() - started) / 1000).toFixed(1)}s`),
      error: (msg) => this.write(`#${id} ERROR: ${msg}`),
    };
  }
}
