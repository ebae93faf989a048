// An engine in a Node process of its own, over a store folder, opened as the engine
// service opens it, for figures of the engine's own work without a command's start-up.
// Kept out of the benchmark's process, whose in-process floors would otherwise pay for
// collecting the engine's garbage.
//
// As a script (argv: store root) it answers each stdin line `build <context>`: it
// prunes everything (untimed), builds the context's Dockerfile with no cache and
// prints the build's milliseconds.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(import.meta.url);
const PROJECT = fileURLToPath(new URL('..', import.meta.url));

/** A running engine process; `build` resolves the milliseconds of one cold build. */
export class EngineProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  private stderr = '';

  constructor(root: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, root], { cwd: PROJECT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.answers.shift()?.resolve(line));
    this.child.on('close', (code, signal) => {
      for (const a of this.answers.splice(0)) a.reject(new Error(`engine process ended (${code ?? signal}): ${this.stderr}`));
    });
  }

  async build(context: string): Promise<number> {
    const line = await new Promise<string>((resolve, reject) => {
      this.answers.push({ resolve, reject });
      this.child.stdin.write(`build ${context}\n`);
    });
    const ms = Number(line);
    if (!Number.isFinite(ms)) throw new Error(`engine process: ${line}`);
    return ms;
  }

  async stop(): Promise<void> {
    const closed = new Promise((r) => this.child.once('close', r));
    this.child.stdin.end();
    await closed;
  }
}

async function main(root: string): Promise<void> {
  const { installNodeHost } = await import('../backend/host.ts');
  installNodeHost();
  const [{ openEngine }, { FsContext }, { SPARE_FILES }, { build }, { prune }] = await Promise.all([
    import('../backend/cli/node-io.ts'),
    import('../backend/adapters/fs-context.ts'),
    import('../backend/service/engine-service.ts'),
    import('../shared/build/builder.ts'),
    import('../shared/engine/prune.ts'),
  ]);
  const { engine: e, store } = await openEngine(root, undefined, { spareFiles: SPARE_FILES });
  for await (const line of createInterface({ input: process.stdin })) {
    const [word, context] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    if (word !== 'build') throw new Error(`unknown request ${JSON.stringify(line)}`);
    await e.write(() => prune(e, { allImages: true, buildCache: true, containers: true }));
    const t = performance.now();
    await e.write(() => build(e, { context: new FsContext(context), noCache: true, tags: ['bench/build'] }));
    process.stdout.write(`${performance.now() - t}\n`);
  }
  await store.close();
}

if (process.argv[1] === SCRIPT) {
  main(process.argv[2]!).catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
