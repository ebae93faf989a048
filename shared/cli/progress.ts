import { host } from '../host.ts';
import type { CliIO } from './command.ts';
import { goDurationString, humanSize } from './units.ts';

/**
 * Progress of long operations (loading layers, copying a context), drawn the way
 * docker's jsonmessage draws it.
 *
 * On a terminal each task owns a line that is redrawn in place: `Loading layer
 * [=====>      ]  12.5MB/100MB 3s`; tasks with an `id` stack one line per id
 * (`a1b2c3: Extracting ...`), moving the cursor up to update and back down after.
 * Elsewhere (a pipe, a log) plain lines are printed: at start, at each step, at the
 * end, and for updates at most one per `minIntervalMs` per task.
 *
 *   const p = createProgress(io);
 *   const t = p.start('Loading layer', { id: 'a1b2c3', total: size });
 *   t.update(done);   // as often as convenient
 *   t.done('Loaded');
 */

export interface ProgressTask {
  /** Units done so far (bytes unless the task has `units`), and optionally a new total. */
  update(current: number, total?: number): void;
  /** A new phase with its own label ('Extracting'); always shown. */
  step(label: string): void;
  /** The end: shows the final line, with `label` if given. Later calls do nothing. */
  done(label?: string): void;
}

export interface ProgressReporter {
  start(label: string, opts?: { id?: string; total?: number; units?: string }): ProgressTask;
}

export interface ProgressOptions {
  /** Milliseconds clock (default: the host's). */
  now?: () => number;
  /** Least time between two plain lines of one task (default 1000). */
  minIntervalMs?: number;
}

const CLEAR_LINE = '\x1b[2K';
const up = (n: number): string => `\x1b[${n}A`;
const down = (n: number): string => `\x1b[${n}B`;

/** docker's JSONProgress.String(): bar (wide terminals), counts, time left. */
export function progressText(p: { current: number; total: number; units?: string; startMs: number; nowMs: number; width: number }): string {
  const { current, total, units, width } = p;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return units ? `${current} ${units}` : humanSize(current, 4).padStart(8);
  let bar = '';
  let percentage = Math.trunc(Math.trunc((current / total) * 100) / 2);
  if (percentage > 50) percentage = 50;
  if (width > 110) bar = `[${'='.repeat(percentage)}>${' '.repeat(Math.max(50 - percentage, 0))}] `;
  let numbers: string;
  if (units) {
    numbers = `${current}/${total} ${units}`;
    if (current > total) numbers = `${current} ${units}`;
  } else {
    numbers = `${humanSize(current, 4).padStart(8)}/${humanSize(total, 4)}`;
    if (current > total) numbers = humanSize(current, 4).padStart(8);
  }
  let left = '';
  if (current > 0 && current < total && width > 50) {
    const perEntry = (p.nowMs - p.startMs) / current;
    const remaining = Math.trunc(((total - current) * perEntry) / 1000) * 1e9;
    left = ' ' + goDurationString(remaining);
  }
  return bar + numbers + left;
}

export function createProgress(io: Pick<CliIO, 'stdout' | 'isTTY' | 'columns'>, opts: ProgressOptions = {}): ProgressReporter {
  const now = opts.now ?? (() => host().now());
  const minInterval = opts.minIntervalMs ?? 1000;
  // Lines of id'd tasks on screen, top to bottom; the cursor sits on the line below them.
  const lines: string[] = [];
  const width = io.columns ?? 200; // docker's width when it cannot ask the terminal

  return {
    start(label, o = {}) {
      const id = o.id;
      const units = o.units;
      let total = o.total ?? 0;
      let current = 0;
      let status = label;
      let finished = false;
      let lastPrint = -Infinity;
      const startMs = now();
      const prefix = id ? `${id}: ` : '';

      const text = (withNumbers: boolean): string => {
        const nums = withNumbers ? progressText({ current, total, units, startMs, nowMs: now(), width }) : '';
        return `${prefix}${status}${nums ? ' ' + nums : ''}`;
      };

      const draw = (t: string, final: boolean): void => {
        if (!io.isTTY) {
          io.stdout(t + '\n');
          lastPrint = now();
          return;
        }
        if (id === undefined) {
          io.stdout(`${CLEAR_LINE}\r${t}${final ? '\n' : '\r'}`);
          return;
        }
        let line = lines.indexOf(id);
        if (line < 0) {
          lines.push(id);
          line = lines.length - 1;
          io.stdout('\n');
        }
        const diff = lines.length - line;
        io.stdout(`${up(diff)}${CLEAR_LINE}\r${t}\r${down(diff)}`);
      };

      draw(text(false), false);
      return {
        update(c, t) {
          if (finished) return;
          current = c;
          if (t !== undefined) total = t;
          if (!io.isTTY && now() - lastPrint < minInterval) return;
          draw(text(true), false);
        },
        step(l) {
          if (finished) return;
          status = l;
          draw(text(false), false);
        },
        done(l) {
          if (finished) return;
          finished = true;
          if (l !== undefined) status = l;
          draw(text(l === undefined), true);
        },
      };
    },
  };
}
