/**
 * poll_oneoff: clock subscriptions (sleep, timeouts) and fd readiness. Files, devices and
 * writable streams are always ready; a readable stream with nothing buffered is waited on
 * through the stream hub, bounded by the earliest clock subscription.
 */
import { wasi } from '@bjorn3/browser_wasi_shim';
import { monotonicNs, realtimeNs } from './clock.ts';
import { E } from './errno.ts';
import { EVENT_SIZE, SUBSCRIPTION_SIZE, readSubscription, writeEvent, type Subscription } from './structs.ts';
import type { WasiHost } from './wasi-host.ts';

const ABSTIME = wasi.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;

interface Ev { userdata: bigint; error: number; type: number; nbytes?: bigint; hangup?: boolean }

export function pollOneoff(host: WasiHost, inPtr: number, outPtr: number, n: number, neventsPtr: number): number {
  if (n === 0) return E.INVAL;
  const mem = (): DataView => new DataView(host.memory.buffer);
  const subs: Subscription[] = [];
  for (let i = 0; i < n; i++) subs.push(readSubscription(mem(), inPtr + i * SUBSCRIPTION_SIZE));

  const ready: Ev[] = [];
  const waiting = new Map<number, Subscription[]>();
  let deadlineNs: bigint | null = null;
  const clocks: Array<{ sub: Subscription; at: bigint }> = [];
  const nowMono = monotonicNs();

  for (const s of subs) {
    if (s.type === wasi.EVENTTYPE_CLOCK) {
      let remaining: bigint;
      if (s.clockId === wasi.CLOCKID_REALTIME) {
        remaining = s.flags & ABSTIME ? s.timeout - realtimeNs() : s.timeout;
      } else if (s.clockId === wasi.CLOCKID_MONOTONIC) {
        remaining = s.flags & ABSTIME ? s.timeout - nowMono : s.timeout;
      } else {
        ready.push({ userdata: s.userdata, error: E.INVAL, type: s.type });
        continue;
      }
      const at = nowMono + (remaining > 0n ? remaining : 0n);
      clocks.push({ sub: s, at });
      if (deadlineNs === null || at < deadlineNs) deadlineNs = at;
    } else if (s.type === wasi.EVENTTYPE_FD_READ || s.type === wasi.EVENTTYPE_FD_WRITE) {
      const f = host.fd(s.fd);
      if (!f) {
        ready.push({ userdata: s.userdata, error: E.BADF, type: s.type });
        continue;
      }
      const r = s.type === wasi.EVENTTYPE_FD_READ ? f.pollRead() : f.pollWrite();
      if (r.ready) ready.push({ userdata: s.userdata, error: E.SUCCESS, type: s.type, nbytes: r.nbytes, hangup: r.hangup ?? false });
      else waiting.set(r.streamId, [...(waiting.get(r.streamId) ?? []), s]);
    } else {
      ready.push({ userdata: s.userdata, error: E.INVAL, type: s.type });
    }
  }

  if (ready.length === 0) {
    const timeoutMs = deadlineNs === null ? null : Math.max(0, Number(deadlineNs - monotonicNs()) / 1e6);
    if (waiting.size > 0) {
      for (const id of host.proc.sys.streams.poll([...waiting.keys()], timeoutMs)) {
        for (const s of waiting.get(id) ?? []) ready.push({ userdata: s.userdata, error: E.SUCCESS, type: s.type, nbytes: 1n });
      }
    } else if (timeoutMs !== null && timeoutMs > 0) {
      host.proc.sys.sleep(timeoutMs);
    }
  }
  // Clocks that have expired by now fire too (all of them when nothing else is ready).
  const now = monotonicNs();
  for (const c of clocks) {
    if (c.at <= now || (ready.length === 0 && c.at === deadlineNs)) {
      ready.push({ userdata: c.sub.userdata, error: E.SUCCESS, type: wasi.EVENTTYPE_CLOCK });
    }
  }

  const v = mem();
  ready.slice(0, n).forEach((e, i) => writeEvent(v, outPtr + i * EVENT_SIZE, e));
  v.setUint32(neventsPtr, Math.min(ready.length, n), true);
  return E.SUCCESS;
}
