// `npm start`: a guided tour of Docker's model with the layerbox CLI. Each step prints
// the command, runs it against a store of its own (.layerbox/ in this folder), and says
// what to look at. Afterwards the same store is yours to explore with --root.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const top = join(here, '..', '..');
// LAYERBOX_TOUR_ROOT lets a test run the tour against a scratch store.
const root = process.env.LAYERBOX_TOUR_ROOT || join(top, '.layerbox');
const cli = join(top, 'dist', 'layerbox.js');
const context = relative(process.cwd(), join(here, 'hello')) || '.';
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function step(title, note) {
  console.log(`\n${bold('== ' + title)}`);
  if (note) console.log(note);
}

function lb(...args) {
  console.log(`$ layerbox ${args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [cli, '--root', root, ...args], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stdout.write(r.stderr.split('\n').filter((l) => !/^#\d+ (DONE|\[internal\])/.test(l)).join('\n'));
  if (r.status !== 0) {
    console.error(`(exit status ${r.status})`);
    process.exit(r.status ?? 1);
  }
  return r.stdout.trim();
}

rmSync(root, { recursive: true, force: true });
step('1. Build an image from a Dockerfile', `Each instruction is one step; COPY and RUN make layers, the others only change the config.`);
lb('build', '-t', 'hello', context);

step('2. The image: an ordered stack of read-only layers plus a config');
lb('images');
lb('history', 'hello');

step('3. Run it: a container is the image plus one writable layer', 'Its first process is the image\'s CMD; --rm removes the container when it exits.');
lb('run', '--rm', 'hello');
lb('run', '--rm', 'hello', 'sh', '-c', 'echo "$GREETING, I am $(whoami) in $(pwd)"; ls -l');

step('4. Copy-on-write: what a container writes lands in its own layer only');
lb('run', '--name', 'web', 'hello', 'sh', '-c', 'echo "<p>Added inside the container.</p>" > about.html; rm /etc/motd');
lb('ps', '-a');
lb('diff', 'web');
lb('run', '--rm', 'hello', 'ls');

step('5. Commit: the container layer becomes a new read-only layer of a new image', 'The old image is untouched: compare the two histories.');
lb('commit', '-m', 'add about page', 'web', 'hello:v2');
lb('history', 'hello:v2');
lb('run', '--rm', 'hello:v2', 'cat', 'about.html');
lb('images');

step('6. Containers keep running in the background', 'run -d starts one and returns; exec, logs and stop reach it.');
lb('run', '-d', '--name', 'ticker', 'box', 'sh', '-c', 'trap "echo bye; exit 0" TERM; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done');
lb('exec', 'ticker', 'ps');
lb('stop', 'ticker');
lb('logs', '--tail', '3', 'ticker');

step('7. Layers are shared, so storage is counted once');
lb('system', 'df');

step('8. Interchange: the same image as an OCI / docker-archive tar');
lb('save', '-o', join(root, 'hello-v2.tar'), 'hello:v2');
console.log(`wrote ${relative(process.cwd(), join(root, 'hello-v2.tar'))}: 'docker load -i' and 'podman load -i' read it; so do skopeo and umoci.`);

console.log(`\n${bold('Your turn:')} node ${relative(process.cwd(), cli)} --root ${relative(process.cwd(), root) || '.'} --help`);
