// The syncfs helper behind large flushes: it answers for each path, keeps working after
// a failed request, calls syncfs(2) itself where Perl is installed, and falls back to a
// shell running `sync -f` where it is not.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncfs } from '../../../backend/store/durability.ts';

const PROJECT = fileURLToPath(new URL('../../../', import.meta.url));
const MODULE = fileURLToPath(new URL('../../../backend/store/durability.ts', import.meta.url));

/** Command lines of this process's children. */
async function childCommands(): Promise<string[]> {
  const out: string[] = [];
  for (const task of await readdir(`/proc/${process.pid}/task`)) {
    const pids = (await readFile(`/proc/${process.pid}/task/${task}/children`, 'utf8')).split(' ').filter(Boolean);
    for (const pid of pids) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmd) out.push(cmd.split('\0').filter(Boolean).join(' '));
    }
  }
  return out;
}

/** The executable `tool` on PATH, if any. */
async function onPath(tool: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const p = join(dir, tool);
    if ((await stat(p).catch(() => undefined))?.isFile() && (await access(p, constants.X_OK).then(() => true, () => false))) return p;
  }
  return undefined;
}

describe('syncfs helper', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lb-syncfs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs a folder, refuses a missing path, and keeps working after the refusal', async () => {
    expect(await syncfs(dir)).toBe(true);
    expect(await syncfs(join(dir, 'missing', 'folder'))).toBe(false);
    expect(await syncfs(dir)).toBe(true);
    // Several requests in flight are answered in order.
    expect(await Promise.all([syncfs(dir), syncfs(join(dir, 'nope')), syncfs(dir)])).toEqual([true, false, true]);
  });

  it('runs Perl, which calls syncfs(2) itself, where Perl is installed', async () => {
    expect(await onPath('perl'), 'perl (Debian essential package perl-base) is missing').toBeDefined();
    expect(await syncfs(dir)).toBe(true);
    const helpers = (await childCommands()).filter((c) => /^perl -e .*syscall\(/.test(c));
    expect(helpers).toHaveLength(1);
  });

  it('falls back to `sync -f` in a shell where Perl is missing', async () => {
    // A PATH with sh and sync only.
    const bin = join(dir, 'bin');
    await mkdir(bin);
    for (const tool of ['sh', 'sync']) {
      const real = await onPath(tool);
      expect(real, `${tool} is missing`).toBeDefined();
      await symlink(real!, join(bin, tool));
    }
    const script = `import { syncfs } from ${JSON.stringify(MODULE)}; console.log(JSON.stringify([await syncfs(${JSON.stringify(dir)}), await syncfs(${JSON.stringify(join(dir, 'missing'))}), await syncfs(${JSON.stringify(dir)})]));`;
    const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: PROJECT,
      env: { PATH: bin, HOME: process.env.HOME ?? '/root' },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual([true, false, true]);
  });
});

const execFileP = promisify(execFile);
