// Go's time.ParseDuration cases (src/time/time_test.go parseDurationTests), which
// HEALTHCHECK's duration flags follow.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../shared/dockerfile/index.ts';

const S = 1e9;

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['5s', 5 * S],
    ['30s', 30 * S],
    ['1478s', 1478 * S],
    ['-5s', -5 * S],
    ['+5s', 5 * S],
    ['-0', 0],
    ['5.0s', 5 * S],
    ['5.6s', 5.6 * S],
    ['5.s', 5 * S],
    ['.5s', 0.5 * S],
    ['1.004s', 1.004 * S],
    ['100.00100s', 100.001 * S],
    ['10ns', 10],
    ['11us', 11_000],
    ['12µs', 12_000],
    ['12μs', 12_000],
    ['13ms', 13_000_000],
    ['14s', 14 * S],
    ['15m', 15 * 60 * S],
    ['16h', 16 * 3600 * S],
    ['3h30m', (3 * 3600 + 30 * 60) * S],
    ['10.5s4m', (4 * 60 + 10.5) * S],
    ['1h1m1s1ms1us1ns', 3661 * S + 1_001_001],
    ['39h9m14.425s', (39 * 3600 + 9 * 60 + 14.425) * S],
  ])('%s', (input, ns) => {
    expect(parseDuration(input)).toBeCloseTo(ns, -1);
  });

  it.each(['', '3', '-', 's', '.', '-.', '.s', '+.s', '1d', '3000000h', '9223372036854775808ns'])('%j is rejected', (input) => {
    expect(() => parseDuration(input)).toThrow(/^time: /);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500_000_000, '500ms'],
    [90 * S, '1m30s'],
    [3600 * S, '1h0m0s'],
    [1500, '1.5µs'],
  ])('%d → %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });
});
