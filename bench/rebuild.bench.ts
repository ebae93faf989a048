// Unchanged rebuild of a 20-instruction Dockerfile (COPY, ENV, LABEL, WORKDIR, ARG,
// USER, EXPOSE, VOLUME, STOPSIGNAL, ENTRYPOINT, CMD; no RUN): every step is a cache
// hit, which each run checks in the build output (a step that is not CACHED fails the
// bench). Whole `layerbox build` processes against Docker's cached rebuild of the same
// Dockerfile (BuildKit, private daemon), and against bare Node start-up.
//
// Per-instruction cost two ways: total / 20, and the growth from T2, the cached rebuild
// of a 2-instruction Dockerfile (FROM scratch and one COPY), to T20: (T20 - T2) / 18 is
// the marginal cost of one cached step without the fixed cost of a build (process
// start, loading the context and the Dockerfile, writing the image). A difference of
// two noisy medians can be negative, so it is shown as the pair, not as a ratio.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layerbox, requireBuiltCli } from './cli.ts';
import { DOCKER_CLIENT, makeTempDir, missingPeer, removeTree, run, spawnTimed, startDocker, type Figure, type StartedDocker } from './lib.ts';
import { measureRounds } from './rounds.ts';

const DOCKERFILE = [
  'FROM scratch',
  'ARG VERSION=1.0',
  'ENV APP_HOME=/app',
  'ENV PATH=/bin',
  'LABEL org.example.name="bench"',
  'LABEL org.example.version=${VERSION}',
  // A COPY first: BuildKit never reports a WORKDIR straight on scratch as CACHED.
  'COPY a/ /app/a/',
  'WORKDIR /app',
  'COPY b.txt /app/',
  'ENV MODE=production',
  'COPY c/ /app/c/',
  'WORKDIR /app/data',
  'COPY d.txt .',
  'USER 1000:1000',
  'EXPOSE 8080',
  'VOLUME /app/data',
  'COPY --chown=1000:1000 e/ /app/e/',
  'STOPSIGNAL SIGTERM',
  'ENTRYPOINT ["/app/run"]',
  'CMD ["--help"]',
  '',
].join('\n');
const INSTRUCTIONS = 20;
const SMALL_DOCKERFILE = 'FROM scratch\nCOPY b.txt /app/\n';
const SMALL_INSTRUCTIONS = 2;
const RUNS = 5;

async function writeContext(dir: string): Promise<void> {
  for (const sub of ['a', 'c', 'e']) {
    await mkdir(join(dir, sub), { recursive: true });
    for (let i = 0; i < 10; i++) await writeFile(join(dir, sub, `file${i}.txt`), `${sub} ${i}\n`.repeat(20));
  }
  await writeFile(join(dir, 'b.txt'), 'b\n');
  await writeFile(join(dir, 'd.txt'), 'd\n');
  await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
  await writeFile(join(dir, 'Dockerfile.small'), SMALL_DOCKERFILE);
}

/**
 * Checks plain build output (BuildKit's, or layerbox's which follows it): every
 * `#N [i/n] INSTRUCTION` step other than FROM must be followed by `#N CACHED`. Returns
 * the number of steps checked; throws naming the steps that ran.
 */
function checkAllCached(output: string, who: string, minSteps: number): number {
  const steps = new Map<string, string>();
  const cached = new Set<string>();
  for (const line of output.split('\n')) {
    const step = /^#(\d+) \[(?:[^\]]* )?\d+\/\d+\] (.*)$/.exec(line);
    if (step && !/^FROM\b/i.test(step[2]!)) steps.set(step[1]!, step[2]!);
    const hit = /^#(\d+) CACHED\s*$/.exec(line);
    if (hit) cached.add(hit[1]!);
  }
  const ran = [...steps].filter(([id]) => !cached.has(id)).map(([, text]) => text);
  if (ran.length > 0) throw new Error(`${who}: rebuild was not fully cached; ran: ${ran.join('; ')}`);
  if (steps.size < minSteps) throw new Error(`${who}: expected at least ${minSteps} cached steps in the build output, found ${steps.size}:\n${output.slice(-2000)}`);
  return steps.size;
}

export default async function rebuild(): Promise<Figure[]> {
  await requireBuiltCli();
  const dir = await makeTempDir('lbr-');
  let docker: StartedDocker | undefined;
  try {
    const context = join(dir, 'ctx');
    await writeContext(context);
    const root = join(dir, 'root');
    const dockerMissing = missingPeer('docker build (cached)', DOCKER_CLIENT, 'dockerd', 'containerd');
    if (!dockerMissing) docker = await startDocker();
    const dockerEnv = docker && { DOCKER_HOST: docker.host, DOCKER_CONFIG: docker.configDir, DOCKER_BUILDKIT: '1' };

    // layerbox shows every instruction as a step; BuildKit only those that touch the
    // filesystem (COPY, WORKDIR): 19 and 7 cached steps for the big file.
    const ours = async (file: string, minSteps: number) => {
      const r = await layerbox(root, ['build', '--progress', 'plain', '-f', join(context, file), '-t', `bench/${file.toLowerCase()}`, context]);
      checkAllCached(r.stdout + r.stderr, 'layerbox build', minSteps);
      return r.ms;
    };
    const theirs = async (file: string, minSteps: number) => {
      const r = await run([DOCKER_CLIENT, 'build', '--progress', 'plain', '-f', join(context, file), '-t', `bench/${file.toLowerCase()}`, context], { env: dockerEnv!, timeoutMs: 300_000 });
      checkAllCached(r.stdout + r.stderr, 'docker build', minSteps);
      return r.ms;
    };
    // The first builds fill the caches (they are not cache hits, so not checked).
    await layerbox(root, ['build', '-q', '-t', 'bench/dockerfile', context]);
    await layerbox(root, ['build', '-q', '-f', join(context, 'Dockerfile.small'), '-t', 'bench/dockerfile.small', context]);
    if (docker) {
      await run([DOCKER_CLIENT, 'build', '-q', '-t', 'bench/dockerfile', context], { env: dockerEnv!, timeoutMs: 300_000 });
      await run([DOCKER_CLIENT, 'build', '-q', '-f', join(context, 'Dockerfile.small'), '-t', 'bench/dockerfile.small', context], { env: dockerEnv!, timeoutMs: 300_000 });
    }

    const t = await measureRounds(
      {
        ours: () => ours('Dockerfile', INSTRUCTIONS - 1),
        oursSmall: () => ours('Dockerfile.small', 1),
        node: () => spawnTimed([process.execPath, '-e', '']),
        ...(docker ? { theirs: () => theirs('Dockerfile', 7), theirsSmall: () => theirs('Dockerfile.small', 1) } : {}),
      } as Record<'ours' | 'oursSmall' | 'node' | 'theirs' | 'theirsSmall', () => Promise<number>>,
      { runs: RUNS, warmup: 1, maxMs: 90_000 },
    );

    const name = `rebuild ${INSTRUCTIONS} instructions, all cached (layerbox CLI)`;
    const figures: Figure[] = [
      { name, unit: 'ms', value: t.ours.median, baseline: { name: "bare node start-up (node -e '')", value: t.node.median } },
      // Growth from 2 to 20 instructions: (value - baseline) / 18 is the marginal cost of one cached step.
      {
        name: `rebuild ${INSTRUCTIONS} vs ${SMALL_INSTRUCTIONS} instructions, all cached (layerbox CLI)`,
        unit: 'ms',
        value: t.ours.median,
        baseline: { name: `layerbox, ${SMALL_INSTRUCTIONS} instructions`, value: t.oursSmall.median },
      },
    ];
    if (dockerMissing) {
      figures.push(dockerMissing);
      return figures;
    }
    figures.push(
      { name, unit: 'ms', value: t.ours.median, baseline: { name: 'docker build, all cached (BuildKit)', value: t.theirs.median } },
      {
        name: `rebuild per instruction, total / ${INSTRUCTIONS} (layerbox)`,
        unit: 'ms',
        value: t.ours.median / INSTRUCTIONS,
        baseline: { name: `docker, total / ${INSTRUCTIONS}`, value: t.theirs.median / INSTRUCTIONS },
      },
      {
        name: `rebuild ${INSTRUCTIONS} vs ${SMALL_INSTRUCTIONS} instructions, all cached (docker build)`,
        unit: 'ms',
        value: t.theirs.median,
        baseline: { name: `docker, ${SMALL_INSTRUCTIONS} instructions`, value: t.theirsSmall.median },
      },
    );
    return figures;
  } finally {
    await docker?.stop();
    await removeTree(dir);
  }
}
