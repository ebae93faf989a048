// A loopback OCI distribution registry (Debian's docker-registry 2.8) with its own
// configuration: 127.0.0.1 on a free port, no auth (Debian's default config enables
// htpasswd), storage in a scratch folder, deletes enabled.
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawnDaemon, waitReady } from './daemon.ts';
import { makeTempDir, removeTree } from './tmp.ts';
import { requireTool } from './tools.ts';

export interface Registry {
  /** `127.0.0.1:<port>`, the registry part of an image reference. */
  readonly host: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid: number;
  /** Stops the registry and removes its storage. Idempotent. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startRegistry(opts: { readyTimeoutMs?: number } = {}): Promise<Registry> {
  const binary = requireTool('docker-registry');
  const dir = await makeTempDir('lbr-');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const configPath = join(dir, 'config.yml');
  await writeFile(
    configPath,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  const daemon = spawnDaemon([binary, 'serve', configPath], { logPath: join(dir, 'registry.log') });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await daemon.stop(10_000);
      await removeTree(dir);
    })());
  const url = `http://${host}`;
  try {
    await waitReady(
      daemon,
      `docker-registry on ${host}`,
      async () => {
        try {
          return (await fetch(`${url}/v2/`)).status === 200;
        } catch {
          return false;
        }
      },
      opts.readyTimeoutMs ?? 30_000,
      50,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { host, url, pid: daemon.pid, stop };
}
