// Program lookup pieces: paths, `#!` lines, file kinds, signal names, memory caps.
import { describe, expect, it } from 'vitest';
import {
  absolutePath, capMemory, defaultAction, definedMemory, findProgram, parseShebang, programKind,
  signalName, signalNumber, ExecError, WA,
} from '../../../shared/process/index.ts';
import { lbtest } from '../wasi/fixtures/build.ts';
import { makeVfs, mkdirp, put } from './helpers.ts';

const b = (s: string) => new TextEncoder().encode(s);

describe('paths and #! lines', () => {
  it('makes paths absolute against the working directory, never above the root', () => {
    expect(absolutePath('/usr/lib', '../bin/x')).toBe('/usr/bin/x');
    expect(absolutePath('/a', '/b/./c/')).toBe('/b/c');
    expect(absolutePath('/', '../../x')).toBe('/x');
  });

  it('reads the interpreter and one optional argument, as Linux does', () => {
    expect(parseShebang(b('#!/bin/sh\necho'))).toEqual({ interpreter: '/bin/sh', arg: null });
    expect(parseShebang(b('#! /usr/bin/env  python3 -u \n'))).toEqual({ interpreter: '/usr/bin/env', arg: 'python3 -u' });
    expect(parseShebang(b('#!/bin/sh\r\n'))).toEqual({ interpreter: '/bin/sh', arg: null });
    expect(parseShebang(b('#!\n'))).toBeNull();
  });

  it('tells wasm, scripts and other files apart', () => {
    expect(programKind(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toBe('wasm');
    expect(programKind(b('#!/bin/sh'))).toBe('script');
    expect(programKind(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))).toBe('unknown');
    expect(programKind(b('echo hi'))).toBe('unknown');
  });

  it('finds a program through PATH and reports what stops it', () => {
    const fs = makeVfs();
    put(fs, '/usr/bin/a', 'x');
    put(fs, '/bin/a', 'y');
    mkdirp(fs, '/bin/dir');
    const root = { uid: 0, gid: 0 };
    expect(findProgram(fs, root, 'a', '/', '/usr/bin:/bin').path).toBe('/usr/bin/a');
    expect(findProgram(fs, root, 'a', '/', '/bin:/usr/bin').path).toBe('/bin/a');
    // An empty PATH entry is the working directory.
    expect(findProgram(fs, root, 'a', '/bin', ':/usr/bin').path).toBe('/bin/a');
    expect(() => findProgram(fs, root, 'b', '/', '/bin')).toThrow(ExecError);
    expect(() => findProgram(fs, root, 'dir', '/', '/bin')).toThrow('exec: "dir": is a directory');
    try {
      findProgram(fs, root, 'missing', '/', '/bin');
    } catch (e) {
      expect((e as ExecError).status).toBe(127);
    }
  });
});

describe('signals', () => {
  it('knows Linux numbers, names and default actions', () => {
    expect(signalNumber('KILL')).toBe(9);
    expect(signalNumber('SIGTERM')).toBe(15);
    expect(signalNumber('sigusr1')).toBe(10);
    expect(signalNumber('2')).toBe(2);
    expect(signalNumber('RTMIN+2')).toBe(36);
    expect(() => signalNumber('NOPE')).toThrow('invalid signal: NOPE');
    expect(signalName(9)).toBe('SIGKILL');
    expect(defaultAction(9)).toBe('terminate');
    expect(defaultAction(17)).toBe('ignore');
    expect(defaultAction(19)).toBe('stop');
    expect(defaultAction(18)).toBe('continue');
  });
});

describe('memory caps', () => {
  it('lowers the maximum of a real module and refuses one that needs more to start', async () => {
    const wasm = await lbtest();
    const before = definedMemory(wasm)!;
    expect(before.min).toBeGreaterThan(0);
    const capped = capMemory(wasm, before.min + 10)!;
    expect(definedMemory(capped)).toEqual({ min: before.min, max: before.min + 10 });
    // The capped module still compiles and declares the same exports.
    const m = await WA.compile(capped);
    expect(WA.Module.exports(m).map((e) => e.name)).toContain('_start');
    expect(capMemory(wasm, before.min - 1)).toBeNull();
    // A lower maximum already there is kept.
    expect(capMemory(capped, before.min + 100)).toBe(capped);
  });
});
