import type { BuildRunner, RunRequest, RunResult } from '../build/builder.ts';
import type { Engine } from '../engine/engine.ts';
import { EMPTY_META, MutableDir } from '../tree/mutable.ts';
import { UnionFs } from '../unionfs/unionfs.ts';
import type { ByteWriter } from '../process/stdio.ts';
import { Sandbox, type RuntimeHost } from './sandbox.ts';
import { resolveUser } from './user.ts';
import { withDefaults } from './environment.ts';
import { ExecError } from '../process/exec-error.ts';

/**
 * RUN steps of a build: each runs in a sandbox over the stage's root, as BuildKit runs
 * one in a fresh container, and what it changed becomes the step's layer.
 */
export class SandboxRunner implements BuildRunner {
  constructor(
    private readonly e: Engine,
    private readonly host: RuntimeHost,
  ) {}

  async run(req: RunRequest): Promise<RunResult> {
    const box = await Sandbox.create(this.e, this.host, { root: req.root, hostname: 'buildkitsandbox' });
    const user = resolveUser(box.vfs, req.user, req.where);
    const out: ByteWriter = { write: async (b) => req.output(b), close() {} };
    let exit;
    try {
      const p = await box.runtime.spawn({
        argv: req.argv,
        env: withDefaults(req.env, { HOME: user.home }),
        cwd: req.cwd,
        cred: user.cred,
        stdout: out,
        stderr: out,
      });
      // A cancelled build ends the step's processes at once (a long RUN would run on).
      req.cancelled?.then(
        () => box.runtime.killAll(),
        () => box.runtime.killAll(),
      );
      exit = await p.wait();
    } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      // The program could not start: say why rather than only an exit code.
      return { status: e.status, upper: req.root, error: e.message };
    }
    box.runtime.killAll();
    const fs = new UnionFs(this.e.trees, req.root, new MutableDir(EMPTY_META, { implicit: true }));
    await box.vfs.commitTo(fs);
    return { status: exit.status, upper: await fs.upper.persist(this.e.trees) };
  }
}
