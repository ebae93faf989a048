// Builds the compare cases with Docker alone and records (or, with --check, verifies) each
// case's docker.json. Cases run one after another; the daemon is DOCKER_HOST's, or a
// private one started for the run.
//
//   node --import tsx tests/compare/record-docker.ts [--check] [case ...]
import { makeTempDir, removeTree } from '../harness/tmp.ts';
import { Builds, dockerBuilder, openDocker } from './builders.ts';
import { loadCases } from './cases.ts';
import { busyboxDigest, checkDeclared, checkReference, readReference, writeReference } from './reference.ts';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const names = args.filter((a) => !a.startsWith('--'));
  const all = await loadCases();
  const byName = new Map(all.map((c) => [c.name, c]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length > 0) throw new Error(`unknown case ${unknown.join(', ')}`);
  const selected = names.length > 0 ? names.map((n) => byName.get(n)!) : all;

  const busybox = await busyboxDigest();
  const { docker, stop } = await openDocker();
  const work = await makeTempDir('lbcmp-');
  const builds = new Builds(dockerBuilder(docker), byName, work);
  let failures = 0;
  try {
    for (const c of selected) {
      const started = performance.now();
      let problems: string[];
      try {
        const outcome = await builds.outcome(c);
        problems = checkDeclared(c, 'docker', outcome);
        if (problems.length === 0) {
          if (check) problems = checkReference(c, outcome, await readReference(c), busybox);
          else await writeReference(c, outcome, busybox);
        }
      } catch (e) {
        problems = [(e as Error).message];
      }
      const ms = (performance.now() - started).toFixed(0);
      console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${c.name} (${ms} ms)`);
      for (const p of problems) console.log(`     ${p}`);
      if (problems.length > 0) failures++;
    }
  } finally {
    await builds.cleanup();
    await removeTree(work);
    await stop();
  }
  console.log(`${selected.length - failures}/${selected.length} cases ${check ? 'match docker.json' : 'recorded'}`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
