import { out, type Ctx } from './io.ts';

/** Docker's `Are you sure you want to continue? [y/N]` prompt; anything but y/yes declines. */
export async function confirm(ctx: Ctx, warning: string): Promise<boolean> {
  out(ctx, warning);
  ctx.io.stdout('Are you sure you want to continue? [y/N] ');
  let answer = '';
  for await (const chunk of ctx.io.stdin()) {
    answer += new TextDecoder().decode(chunk);
    if (answer.includes('\n')) break;
  }
  return /^\s*y(es)?\s*$/i.test(answer.split('\n')[0] ?? '');
}
