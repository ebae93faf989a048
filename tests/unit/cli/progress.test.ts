import { describe, expect, it } from 'vitest';
import { createProgress, progressText } from '../../../shared/cli/progress.ts';
import { memoryIO } from './memory-io.ts';

describe('progressText (docker JSONProgress.String)', () => {
  const base = { startMs: 0, nowMs: 4_000 };
  it('shows counts padded to 8, and time left on a 51+ column terminal', () => {
    // 12.5MB of 100MB in 4s: 28s left
    expect(progressText({ ...base, current: 12_500_000, total: 100_000_000, width: 80 })).toBe('  12.5MB/100MB 28s');
    expect(progressText({ ...base, current: 12_500_000, total: 100_000_000, width: 50 })).toBe('  12.5MB/100MB');
  });

  it('draws a bar when the terminal is wider than 110 columns', () => {
    expect(progressText({ ...base, current: 12_500_000, total: 100_000_000, width: 200 })).toBe(
      `[${'='.repeat(6)}>${' '.repeat(44)}]   12.5MB/100MB 28s`,
    );
    expect(progressText({ ...base, current: 100_000_000, total: 100_000_000, width: 200 })).toBe(`[${'='.repeat(50)}>]    100MB/100MB`);
  });

  it('shows the current count alone without a total, or when past it', () => {
    expect(progressText({ ...base, current: 1_234_567, total: 0, width: 80 })).toBe(' 1.235MB');
    expect(progressText({ ...base, current: 5, total: 3, width: 80 })).toBe('      5B');
    expect(progressText({ ...base, current: 3, total: 10, units: 'files', width: 40 })).toBe('3/10 files');
    expect(progressText({ ...base, current: 0, total: 0, width: 80 })).toBe('');
  });
});

describe('createProgress', () => {
  function clock(): { now: () => number; advance: (ms: number) => void } {
    let t = 0;
    return { now: () => t, advance: (ms) => void (t += ms) };
  }

  it('prints plain lines off a terminal, at most one update per second per task', () => {
    const io = memoryIO({ isTTY: false, columns: 40 });
    const c = clock();
    const p = createProgress(io, { now: c.now });
    const t = p.start('Loading layer', { total: 100_000_000 });
    t.update(10_000_000); // too soon after the start line
    c.advance(1_000);
    t.update(20_000_000);
    c.advance(10);
    t.update(30_000_000);
    t.step('Extracting');
    t.done('Loaded');
    t.update(1); // after done: nothing
    expect(io.out).toBe(['Loading layer', 'Loading layer     20MB/100MB', 'Extracting', 'Loaded', ''].join('\n'));
  });

  it('redraws one line on a terminal', () => {
    const io = memoryIO({ isTTY: true, columns: 40 });
    const p = createProgress(io, { now: clock().now });
    const t = p.start('Copying');
    t.update(1000);
    t.done();
    expect(io.out).toBe('\x1b[2K\rCopying\r' + '\x1b[2K\rCopying      1kB\r' + '\x1b[2K\rCopying      1kB\n');
  });

  it('gives each id its own line and moves the cursor to it', () => {
    const io = memoryIO({ isTTY: true, columns: 40 });
    const p = createProgress(io, { now: clock().now });
    const a = p.start('Loading layer', { id: 'aaa' });
    const b = p.start('Loading layer', { id: 'bbb' });
    a.done('Loaded');
    b.done('Loaded');
    expect(io.out).toBe(
      // aaa appears: a new line, then up 1 to draw it
      '\n\x1b[1A\x1b[2K\raaa: Loading layer\r\x1b[1B' +
        // bbb appears below it
        '\n\x1b[1A\x1b[2K\rbbb: Loading layer\r\x1b[1B' +
        // aaa is two lines up now
        '\x1b[2A\x1b[2K\raaa: Loaded\r\x1b[2B' +
        '\x1b[1A\x1b[2K\rbbb: Loaded\r\x1b[1B',
    );
  });
});
