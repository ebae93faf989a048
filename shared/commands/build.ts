import { StatusError } from '../cli/command.ts';
import { build as runBuild, type BuildRunner } from '../build/builder.ts';
import type { Engine } from '../engine/engine.ts';
import { InvalidArgumentError } from '../errors.ts';
import { collectBytes } from '../util/bytes.ts';
import { out, err, type Ctx } from './io.ts';

/** `build [OPTIONS] PATH | -`. */
export async function build(ctx: Ctx): Promise<void> {
  const e = await ctx.io.engine(ctx.globals);
  const f = ctx.flags;
  const path = ctx.args[0]!;
  if (/^[a-z]+:\/\//i.test(path) || path.startsWith('git@')) {
    throw new InvalidArgumentError(`unable to prepare context: layerbox builds offline and cannot fetch ${path}; clone or download it and build the folder`);
  }
  const progress = f.string('progress');
  if (!['auto', 'plain', 'tty', 'quiet'].includes(progress)) throw new InvalidArgumentError(`invalid progress mode ${JSON.stringify(progress)}: use auto, plain, tty or quiet`);
  const quiet = f.bool('quiet') || progress === 'quiet';
  const buildArgs: Record<string, string> = {};
  for (const a of f.list('build-arg')) {
    const i = a.indexOf('=');
    if (i < 0) {
      // `--build-arg NAME` takes NAME from the environment, as in Docker.
      const v = ctx.io.env[a];
      if (v !== undefined) buildArgs[a] = v;
    } else buildArgs[a.slice(0, i)] = a.slice(i + 1);
  }
  const labels: Record<string, string> = {};
  for (const l of f.list('label')) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  let sourceDateEpoch: number | undefined;
  const sde = buildArgs.SOURCE_DATE_EPOCH ?? ctx.io.env.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== '') {
    if (!/^\d+$/.test(sde)) throw new InvalidArgumentError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(sde)}`);
    sourceDateEpoch = Number(sde);
  }
  const context = await ctx.io.files.buildContext(path);
  let dockerfile: string | undefined;
  let dockerfilePath = 'Dockerfile';
  const file = f.string('file');
  if (file === '-') {
    if (path === '-') throw new InvalidArgumentError('invalid argument: can\'t use stdin for both build context and dockerfile');
    dockerfile = new TextDecoder().decode(await collectBytes(ctx.io.stdin()));
  } else if (file) {
    // A Dockerfile may live outside the context: read it from the host.
    const inContext = await context.lstat(file);
    if (inContext?.type === 'file') dockerfilePath = file;
    else if (await ctx.io.files.exists(file)) {
      dockerfile = new TextDecoder().decode(await ctx.io.files.readFile(file));
      dockerfilePath = file.split('/').pop() ?? file;
    } else throw new StatusError(1, `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${file}: no such file or directory`);
  }
  const write = (line: string) => {
    if (!quiet) ctx.io.stderr(line + '\n');
  };
  const result = await e.write(() =>
    runBuild(e, {
      context,
      ...(dockerfile !== undefined ? { dockerfile } : {}),
      dockerfilePath,
      tags: [...f.list('tag')],
      buildArgs,
      ...(f.string('target') ? { target: f.string('target') } : {}),
      noCache: f.bool('no-cache'),
      ...(sourceDateEpoch !== undefined ? { sourceDateEpoch } : {}),
      labels,
      log: write,
      warn: (w) => err(ctx, w),
      ...(ctx.io.containers ? { runner: lazyRunner(ctx, e) } : {}),
      ...(ctx.io.cancelled ? { cancelled: ctx.io.cancelled } : {}),
    }),
  );
  if (quiet) out(ctx, result.id);
  else if (f.string('iidfile')) await ctx.io.files.write(f.string('iidfile'), (async function* () { yield new TextEncoder().encode(result.id); })());
}


/** RUN steps run in the host's sandboxes; the runtime is loaded only when a build reaches RUN. */
function lazyRunner(ctx: Ctx, e: Engine): BuildRunner {
  return {
    async run(req) {
      const [control, { SandboxRunner }] = await Promise.all([ctx.io.containers!(ctx.globals), import('../runtime/build-runner.ts')]);
      return new SandboxRunner(e, control.host.runtimeHost).run(req);
    },
  };
}
