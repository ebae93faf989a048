import type { ContainerConfig, HealthConfig } from '../image/config.ts';
import type { Instruction } from '../dockerfile/instructions.ts';
import { InvalidArgumentError } from '../errors.ts';

/** Expand a word with the build scope; supplied by the builder. */
export type Expand = (word: string) => string;
export type ExpandMany = (word: string) => string[];

/** Go's %q rendering of a []string, which BuildKit uses in history (`["a" "b"]`). */
export function goQuoteList(xs: string[]): string {
  return '[' + xs.map((x) => JSON.stringify(x)).join(' ') + ']';
}

/** Go's %v rendering of a []string: `[a b]`. */
export function goList(xs: string[]): string {
  return '[' + xs.join(' ') + ']';
}

export function setEnv(env: string[], key: string, value: string): string[] {
  const out = [...env];
  const i = out.findIndex((kv) => kv.slice(0, kv.indexOf('=') < 0 ? kv.length : kv.indexOf('=')) === key);
  if (i >= 0) out[i] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

export function getEnv(env: readonly string[] | null | undefined, key: string): string | undefined {
  for (const kv of env ?? []) {
    const eq = kv.indexOf('=');
    if ((eq < 0 ? kv : kv.slice(0, eq)) === key) return eq < 0 ? '' : kv.slice(eq + 1);
  }
  return undefined;
}

/** Make a path absolute against the working directory, as WORKDIR and COPY do. */
export function absolute(path: string, workdir: string | undefined): string {
  if (path.startsWith('/')) return path;
  const base = workdir && workdir !== '' ? workdir : '/';
  return (base.endsWith('/') ? base : base + '/') + path;
}

function normalisePort(p: string, where: string): string {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(p);
  if (!m) throw new InvalidArgumentError(`${where}: invalid port ${JSON.stringify(p)}: use PORT or PORT/PROTOCOL (tcp, udp, sctp)`);
  return `${m[1]}${m[2] ? '-' + m[2] : ''}/${(m[3] ?? 'tcp').toLowerCase()}`;
}

/** Expand `a-b/proto` ranges into single ports, as Docker does. */
function expandPorts(p: string): string[] {
  const [range, proto] = p.split('/') as [string, string];
  const [a, b] = range.split('-').map(Number) as [number, number | undefined];
  if (b === undefined) return [p];
  const out: string[] = [];
  for (let i = a; i <= b; i++) out.push(`${i}/${proto}`);
  return out;
}

/**
 * Apply a metadata-only instruction to a container config: the effect of ENV, LABEL,
 * CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE, VOLUME, SHELL, STOPSIGNAL, HEALTHCHECK,
 * ONBUILD and MAINTAINER. Returns the history text Docker records for it. Shared by
 * builds and by `commit -c` / `import -c`.
 */
export function applyMetadata(
  c: ContainerConfig,
  inst: Instruction,
  expand: Expand,
  expandMany: ExpandMany,
  opts: { where: string; author?: (a: string) => void },
): string {
  const shell = c.Shell ?? ['/bin/sh', '-c'];
  switch (inst.kind) {
    case 'env': {
      const pairs = inst.pairs.map((p) => [expand(p.key), expand(p.value)] as const);
      let env = c.Env ?? [];
      for (const [k, v] of pairs) env = setEnv(env, k, v);
      c.Env = env;
      return 'ENV ' + pairs.map(([k, v]) => `${k}=${v}`).join(' ');
    }
    case 'label': {
      const pairs = inst.pairs.map((p) => [expand(p.key), expand(p.value)] as const);
      c.Labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of pairs) c.Labels[k] = v;
      return 'LABEL ' + pairs.map(([k, v]) => `${k}=${v}`).join(' ');
    }
    case 'cmd': {
      const cmd = inst.form === 'exec' ? [...inst.command] : [...shell, inst.command.join(' ')];
      // `CMD []` clears it; BuildKit (Docker 20.10) marks every CMD and ENTRYPOINT escaped.
      c.Cmd = cmd.length ? cmd : null;
      c.ArgsEscaped = true;
      return `CMD ${goQuoteList(cmd)}`;
    }
    case 'entrypoint': {
      c.Entrypoint = inst.form === 'exec' ? [...inst.command] : [...shell, inst.command.join(' ')];
      c.ArgsEscaped = true;
      // Docker clears a CMD inherited from the base image when ENTRYPOINT is set.
      return `ENTRYPOINT ${goQuoteList(c.Entrypoint)}`;
    }
    case 'workdir': {
      const p = expand(inst.path);
      c.WorkingDir = absolute(p, c.WorkingDir).replace(/\/+$/, '') || '/';
      return `WORKDIR ${c.WorkingDir}`;
    }
    case 'user': {
      c.User = expand(inst.user);
      return `USER ${c.User}`;
    }
    case 'expose': {
      const ports = inst.ports.flatMap((w) => expandMany(w)).map((p) => normalisePort(p, opts.where)).flatMap(expandPorts);
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of ports) c.ExposedPorts[p] = {};
      // History shows this instruction's ports only, as a Go map (keys sorted).
      return `EXPOSE map[${[...new Set(ports)].sort().map((p) => `${p}:{}`).join(' ')}]`;
    }
    case 'volume': {
      const paths = inst.paths.map(expand);
      if (paths.some((p) => p.trim() === '')) throw new InvalidArgumentError(`${opts.where}: VOLUME specified can not be an empty string`);
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const p of paths) c.Volumes[p] = {};
      return `VOLUME ${goList(paths)}`;
    }
    case 'shell': {
      c.Shell = [...inst.shell];
      return `SHELL ${goList(c.Shell)}`;
    }
    case 'stopsignal': {
      const sig = expand(inst.signal);
      if (!/^(SIG)?[A-Z0-9+-]+$/.test(sig) && !/^\d+$/.test(sig)) throw new InvalidArgumentError(`${opts.where}: invalid signal ${JSON.stringify(sig)}`);
      c.StopSignal = sig;
      return `STOPSIGNAL ${sig}`;
    }
    case 'healthcheck': {
      if (inst.test[0] === 'NONE') {
        c.Healthcheck = { Test: ['NONE'] };
      } else {
        const h: HealthConfig = { Test: [...inst.test] };
        if (inst.interval !== undefined) h.Interval = inst.interval;
        if (inst.timeout !== undefined) h.Timeout = inst.timeout;
        if (inst.startPeriod !== undefined) h.StartPeriod = inst.startPeriod;
        if (inst.startInterval !== undefined) h.StartInterval = inst.startInterval;
        if (inst.retries !== undefined) h.Retries = inst.retries;
        c.Healthcheck = h;
      }
      return `HEALTHCHECK ${healthText(c.Healthcheck)}`;
    }
    case 'onbuild': {
      c.OnBuild = [...(c.OnBuild ?? []), inst.expression];
      return `ONBUILD ${inst.expression}`;
    }
    case 'maintainer': {
      const m = expand(inst.maintainer);
      opts.author?.(m);
      return `MAINTAINER ${m}`;
    }
    default:
      throw new InvalidArgumentError(`${opts.where}: ${inst.name.toUpperCase()} is not a metadata instruction`);
  }
}

/**
 * BuildKit prints the health config with Go's %q on Docker 20.10's struct (Test,
 * Interval, Timeout, StartPeriod, Retries): `&{["CMD-SHELL" "x"] "5s" "0s" "0s" '\x03'}`.
 */
function healthText(h: HealthConfig): string {
  const d = (ns: number | undefined) => JSON.stringify(formatGoDuration(ns ?? 0));
  return `&{${goQuoteList(h.Test ?? [])} ${d(h.Interval)} ${d(h.Timeout)} ${d(h.StartPeriod)} '${goRune(h.Retries ?? 0)}'}`;
}

function goRune(n: number): string {
  if (n >= 0x20 && n < 0x7f) return String.fromCharCode(n) === "'" ? "\\'" : String.fromCharCode(n);
  return '\\x' + n.toString(16).padStart(2, '0');
}

/** Go's time.Duration.String(): `1m30s`, `500ms`, `0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1e6) return `${trim(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  let s = ns / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = '';
  if (h) out += `${h}h`;
  if (h || m) out += `${m}m`;
  out += `${trim(s)}s`;
  return out;
}

function trim(x: number): string {
  return String(Number(x.toFixed(9)));
}
