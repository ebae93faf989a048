import { FailedPreconditionError } from '../errors.ts';
import { getContainer, saveContainer } from '../engine/containers.ts';
import type { ContainerState } from '../engine/container-state.ts';
import type { ContainerControl } from '../runtime/control.ts';
import type { Ctx } from './io.ts';

export async function control(ctx: Ctx): Promise<ContainerControl> {
  if (!ctx.io.containers) throw new FailedPreconditionError('this layerbox host cannot run containers');
  return ctx.io.containers(ctx.globals);
}

/**
 * A container's state as it really is: one recorded as running whose holder has died
 * (killed, machine restarted) is recorded as exited with 137, as Docker marks containers
 * whose daemon went away.
 */
export async function current(ctx: Ctx, ref: string): Promise<ContainerState> {
  const e = await ctx.io.engine(ctx.globals);
  const { state } = await getContainer(e, ref);
  return reconcile(ctx, state);
}

export async function reconcile(ctx: Ctx, state: ContainerState): Promise<ContainerState> {
  if (!state.State.Running || !ctx.io.containers) return state;
  const e = await ctx.io.engine(ctx.globals);
  const c = await control(ctx);
  if (c.host.running(state.Id) || c.holderAlive(state.State.Pid)) return state;
  return e.write(async () => {
    const { state: s } = await getContainer(e, state.Id);
    if (!s.State.Running) return s;
    return saveContainer(e, {
      ...s,
      State: { ...s.State, Status: 'exited', Running: false, Paused: false, ExitCode: 137, Pid: 0, FinishedAt: e.timestamp(), Error: 'the process holding the container ended' },
    });
  });
}

/**
 * Before reading a container's filesystem from the store (commit, diff, cp, export): a
 * running one's holder writes its changes so far.
 */
export async function syncIfRunning(ctx: Ctx, ref: string): Promise<void> {
  if (!ctx.io.containers) return;
  const state = await current(ctx, ref).catch(() => undefined);
  if (!state?.State.Running) return;
  const h = await (await control(ctx)).handle(state.Id);
  await h?.sync();
}
