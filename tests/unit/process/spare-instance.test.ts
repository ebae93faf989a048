import { describe, expect, it } from 'vitest';
import { SpareInstance } from '../../../shared/process/spare-instance.ts';
import { WA } from '../../../shared/process/wasm-api.ts';

// (module (import "m" "f" (func (result i32))) (func (export "g") (result i32) call 0))
const CALLS_OUT = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
  0x02, 0x07, 0x01, 0x01, 0x6d, 0x01, 0x66, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x05, 0x01, 0x01, 0x67, 0x00, 0x01,
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b,
]);
// (module (import "m" "mem" (memory 1)))
const IMPORTS_MEMORY = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x02, 0x0a, 0x01, 0x01, 0x6d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01,
]);

describe('a spare instance', () => {
  it('is made before its process and calls that process’s imports once bound', async () => {
    const module = await WA.compile(CALLS_OUT);
    const spare = SpareInstance.make('k', module)!;
    expect(spare.key).toBe('k');
    const g = spare.instance.exports.g as () => number;
    expect(() => g()).toThrow(/called before the process started/);
    spare.bind({ m: { f: () => 42 } });
    expect(g()).toBe(42);
  });

  it('is not made for a module that imports more than functions', async () => {
    expect(SpareInstance.make('k', await WA.compile(IMPORTS_MEMORY))).toBeUndefined();
  });
});
