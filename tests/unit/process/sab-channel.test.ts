import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { encodeValue } from '../../../shared/process/channel.ts';
import { createChannelBuffer, SabClient, SabServer, type CallMessage, type IdleMessage, type MoreMessage } from '../../../shared/process/sab-channel.ts';

/**
 * The engine's side, on another thread. Once the call is posted it first wakes the waiting
 * caller without an answer (as the late notify of the previous answer does when the
 * engine pauses between setting the flag and notifying), then waits until the caller is
 * either waiting again or has returned, and only then puts the answer (prepared in
 * `staged`) in place: flag (Int32 0) last, then notify.
 */
const ENGINE = `
const { workerData: { sab, staged, ctl } } = require('node:worker_threads');
const flag = new Int32Array(sab, 0, 1);
const state = new Int32Array(ctl);
Atomics.wait(state, 0, 0);
while (Atomics.notify(flag, 0, 1) === 0);
while (Atomics.notify(flag, 0, 1) === 0 && Atomics.load(state, 1) === 0);
new Uint8Array(sab).set(new Uint8Array(staged).subarray(4), 4);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
`;

describe('SabClient', () => {
  it('answers a call with its own answer when woken before the answer is there', async () => {
    const sab = createChannelBuffer(1024);
    // The buffer as the previous call left it: answered, with that call's (null) answer.
    new SabServer(sab).answer(encodeValue(null));
    const staged = createChannelBuffer(1024);
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    new SabServer(staged).answer(encodeValue(bytes));
    // [0]: the call was posted; [1]: the call returned.
    const ctl = new SharedArrayBuffer(8);
    const state = new Int32Array(ctl);
    const engine = new Worker(ENGINE, { eval: true, workerData: { sab, staged, ctl } });
    const exited = once(engine, 'exit');
    await once(engine, 'online');

    const posted: Array<CallMessage | MoreMessage | IdleMessage> = [];
    const client = new SabClient(sab, (m) => {
      posted.push(m);
      Atomics.store(state, 0, 1);
      Atomics.notify(state, 0);
    });
    let answer: unknown;
    try {
      answer = client.call('fs', ['read', 7, 0, 5]);
    } finally {
      Atomics.store(state, 1, 1);
      await exited;
    }

    expect(posted).toEqual([{ t: 'call', op: 'fs', args: ['read', 7, 0, 5], mem: 0 }]);
    expect(answer).toEqual(bytes);
  });
});
