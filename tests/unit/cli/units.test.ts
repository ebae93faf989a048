import { describe, expect, it } from 'vitest';
import {
  bytesSize,
  fromHumanSize,
  goDurationString,
  humanDuration,
  humanSize,
  parseGoDuration,
  ramInBytes,
} from '../../../shared/cli/units.ts';

// Expected values were printed by Go 1.19 running docker/go-units 0.4's algorithms
// (HumanSizeWithPrecision, BytesSize, HumanDuration) and time.Duration.

// [bytes, precision 3 (docker's columns), precision 4 (go-units HumanSize), BytesSize]
const SIZES: [number, string, string, string][] = [
  [0, "0B", "0B", "0B"],
  [1, "1B", "1B", "1B"],
  [999, "999B", "999B", "999B"],
  [999.5, "1e+03B", "999.5B", "999.5B"],
  [1000, "1kB", "1kB", "1000B"],
  [1023, "1.02kB", "1.023kB", "1023B"],
  [1024, "1.02kB", "1.024kB", "1KiB"],
  [1.125e+06, "1.12MB", "1.125MB", "1.073MiB"],
  [1.982256e+06, "1.98MB", "1.982MB", "1.89MiB"],
  [5600, "5.6kB", "5.6kB", "5.469KiB"],
  [5650, "5.65kB", "5.65kB", "5.518KiB"],
  [1.2345678e+07, "12.3MB", "12.35MB", "11.77MiB"],
  [999999, "1e+03kB", "1000kB", "976.6KiB"],
  [999500, "1e+03kB", "999.5kB", "976.1KiB"],
  [1e+09, "1GB", "1GB", "953.7MiB"],
  [1.5e+12, "1.5TB", "1.5TB", "1.364TiB"],
  [1.23456789012345e+14, "123TB", "123.5TB", "112.3TiB"],
  [1e+18, "1EB", "1EB", "888.2PiB"],
  [1e+21, "1ZB", "1ZB", "867.4EiB"],
  [1e+24, "1YB", "1YB", "847ZiB"],
  [1e+27, "1e+03YB", "1000YB", "827.2YiB"],
];

// [milliseconds, HumanDuration]
const DURATIONS: [number, string][] = [
  [0, "Less than a second"],
  [999, "Less than a second"],
  [1000, "1 second"],
  [1999, "1 second"],
  [2000, "2 seconds"],
  [59999, "59 seconds"],
  [60000, "About a minute"],
  [119999, "About a minute"],
  [120000, "2 minutes"],
  [3599999, "59 minutes"],
  [3600000, "About an hour"],
  [5399999, "About an hour"],
  [5400000, "2 hours"],
  [7199999, "2 hours"],
  [86399999, "24 hours"],
  [172799999, "2 days"],
  [172800000, "2 days"],
  [1209599999, "2 weeks"],
  [1209600000, "2 weeks"],
  [5183999999, "2 months"],
  [5184000000, "2 months"],
  [63071999999, "1 years"],
  [63072000000, "2 years"],
  [315360000000, "10 years"],
];

// [Go syntax, nanoseconds, Duration.String()]
const GO_DURATIONS: [string, number, string][] = [
  ["0s", 0, "0s"],
  ["1ns", 1, "1ns"],
  ["1.5us", 1500, "1.5µs"],
  ["300ms", 300000000, "300ms"],
  ["1.5s", 1500000000, "1.5s"],
  ["90s", 90000000000, "1m30s"],
  ["1h2m3.5s", 3723500000000, "1h2m3.5s"],
  ["-2m", -120000000000, "-2m0s"],
  ["100h", 360000000000000, "100h0m0s"],
];

describe('go-units sizes', () => {
  it.each(SIZES)('%d bytes', (n, p3, p4, bin) => {
    expect(humanSize(n)).toBe(p3);
    expect(humanSize(n, 4)).toBe(p4);
    expect(bytesSize(n)).toBe(bin);
  });

  it('parses sizes like RAMInBytes and FromHumanSize', () => {
    expect(ramInBytes('512m')).toBe(512 * 1024 * 1024);
    expect(ramInBytes('1.5g')).toBe(1610612736);
    expect(ramInBytes('100KiB')).toBe(102400);
    expect(ramInBytes('42')).toBe(42);
    expect(fromHumanSize('44kB')).toBe(44000);
    expect(fromHumanSize('17 MB')).toBe(17_000_000);
    expect(() => ramInBytes('12q')).toThrow("invalid size: '12q'");
    expect(() => ramInBytes('-1m')).toThrow("invalid size: '-1m'");
  });
});

describe('go-units durations', () => {
  it.each(DURATIONS)('%d ms', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('Go durations', () => {
  it.each(GO_DURATIONS)('%s', (text, ns, canonical) => {
    expect(parseGoDuration(text)).toBe(ns);
    expect(goDurationString(ns)).toBe(canonical);
  });

  it('rejects what time.ParseDuration rejects, with its words', () => {
    expect(() => parseGoDuration('5')).toThrow('time: missing unit in duration "5"');
    expect(() => parseGoDuration('5x')).toThrow('time: unknown unit "x" in duration "5x"');
    expect(() => parseGoDuration('')).toThrow('time: invalid duration ""');
    expect(() => parseGoDuration('h')).toThrow('time: invalid duration "h"');
  });
});
