import { CancelledError } from '../errors.ts';
import type { ByteStream } from '../host.ts';

/**
 * `src`, until `cancelled` settles: the next chunk asked for after that (or the end
 * of the stream) throws CancelledError instead. A load, import or save whose user went
 * away (Ctrl-C through the engine service) stops within a chunk, and the operation
 * around it keeps nothing, as a failed one.
 */
export function untilCancelled(src: ByteStream, cancelled: Promise<unknown> | undefined, what: string): ByteStream {
  if (!cancelled) return src;
  let gone = false;
  cancelled.then(
    () => (gone = true),
    () => {},
  );
  const stop = () => new CancelledError(`${what}: cancelled: its user went away`);
  return (async function* () {
    for await (const c of src) {
      if (gone) throw stop();
      yield c;
    }
    if (gone) throw stop();
  })();
}
