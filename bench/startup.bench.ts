// Bare Node start-up against the cost of exec'ing a static binary: the floor under any
// layerbox command that starts a Node process.
import { BUSYBOX, missingPeer, timeCommand, type Figure } from './lib.ts';

export default async function startup(): Promise<Figure[]> {
  const name = "node start-up (node -e '')";
  const missing = missingPeer(name, BUSYBOX);
  if (missing) return [missing];
  const floor = await timeCommand([BUSYBOX, 'true'], { runs: 20, warmup: 3, maxMs: 10_000 });
  const node = await timeCommand([process.execPath, '-e', ''], { runs: 20, warmup: 2, maxMs: 30_000 });
  return [
    {
      name,
      unit: 'ms',
      value: node.median,
      baseline: { name: 'busybox true (exec floor)', value: floor.median },
    },
  ];
}
