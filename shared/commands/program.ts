import type { FlagSpec } from '../cli/args.ts';
import { shortcut, type CommandSpec, type ProgramSpec } from '../cli/command.ts';
import type { Ctx, LayerboxIO } from './io.ts';

/**
 * The layerbox command line: docker's grammar and flags, one table for Node and the
 * browser terminal. Each command's implementation is imported when it runs, so a CLI
 * process loads only what its command needs.
 */
type Spec = CommandSpec<LayerboxIO>;

const lazy =
  <M>(load: () => Promise<M>, pick: (m: M, ctx: Ctx) => Promise<number | void>) =>
  async (ctx: Ctx) =>
    pick(await load(), ctx);

const images = () => import('./images.ts');
const containers = () => import('./containers.ts');
const archive = () => import('./archive.ts');
const volumes = () => import('./volumes.ts');
const system = () => import('./system.ts');
const buildMod = () => import('./build.ts');

const f = {
  bool: (name: string, help: string, shorthand?: string): FlagSpec => ({ name, type: 'bool', help, ...(shorthand ? { shorthand } : {}) }),
  str: (name: string, help: string, shorthand?: string, def?: string): FlagSpec => ({ name, type: 'string', help, ...(shorthand ? { shorthand } : {}), ...(def !== undefined ? { default: def } : {}) }),
  list: (name: string, help: string, shorthand?: string): FlagSpec => ({ name, type: 'list', help, ...(shorthand ? { shorthand } : {}) }),
};
const FORMAT = (what: string): FlagSpec => f.str('format', `Pretty-print ${what} using a Go template`);
const FILTER = f.list('filter', "Filter output based on conditions provided", 'f');
/** Prune commands keep -f for --force; their filter is long-only, as in docker. */
const PRUNE_FILTER = f.list('filter', 'Provide filter values (e.g. \'until=<timestamp>\')');
const FORCE = (help: string) => f.bool('force', help, 'f');

const imageLs: Spec = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  short: 'List images',
  args: { max: 1 },
  flags: [
    f.bool('all', 'Show all images (default hides intermediate images)', 'a'),
    f.bool('digests', 'Show digests'),
    FILTER,
    FORMAT('images'),
    f.bool('no-trunc', "Don't truncate output"),
    f.bool('quiet', 'Only show image IDs', 'q'),
  ],
  run: lazy(images, (m, c) => m.images(c)),
};
const imageHistory: Spec = {
  name: 'history',
  usage: '[OPTIONS] IMAGE',
  short: 'Show the history of an image',
  args: { min: 1, max: 1 },
  flags: [
    FORMAT('images'),
    { name: 'human', shorthand: 'H', type: 'bool', default: true, help: 'Print sizes and dates in human readable format' },
    f.bool('no-trunc', "Don't truncate output"),
    f.bool('quiet', 'Only show image IDs', 'q'),
  ],
  run: lazy(images, (m, c) => m.history(c)),
};
const imageInspect: Spec = {
  name: 'inspect',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Display detailed information on one or more images',
  args: { min: 1 },
  flags: [f.str('format', 'Format the output using the given Go template', 'f')],
  run: lazy(images, (m, c) => m.inspect(c, 'image')),
};
const imageTag: Spec = {
  name: 'tag',
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  args: { min: 2, max: 2 },
  run: lazy(images, (m, c) => m.tag(c)),
};
const imageRm: Spec = {
  name: 'rm',
  aliases: ['remove', 'rmi'],
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Remove one or more images',
  args: { min: 1 },
  flags: [FORCE('Force removal of the image'), f.bool('no-prune', 'Do not delete untagged parents')],
  run: lazy(images, (m, c) => m.rmi(c)),
};
const imagePrune: Spec = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove unused images',
  args: { max: 0 },
  flags: [f.bool('all', 'Remove all unused images, not just dangling ones', 'a'), PRUNE_FILTER, FORCE('Do not prompt for confirmation')],
  run: lazy(images, (m, c) => m.imagePrune(c)),
};
const imageBuild: Spec = {
  name: 'build',
  usage: '[OPTIONS] PATH | -',
  short: 'Build an image from a Dockerfile',
  args: { min: 1, max: 1 },
  flags: [
    f.list('build-arg', 'Set build-time variables'),
    f.str('file', "Name of the Dockerfile (Default is 'PATH/Dockerfile')", 'f'),
    f.str('iidfile', 'Write the image ID to the file'),
    f.list('label', 'Set metadata for an image'),
    f.bool('no-cache', 'Do not use cache when building the image'),
    f.str('progress', 'Set type of progress output (auto, plain, tty). Use plain to show container output', undefined, 'auto'),
    f.bool('pull', 'Always attempt to pull a newer version of the image'),
    f.bool('quiet', 'Suppress the build output and print image ID on success', 'q'),
    f.list('tag', "Name and optionally a tag in the 'name:tag' format", 't'),
    f.str('target', 'Set the target build stage to build.'),
    f.str('platform', 'Set platform if server is multi-platform capable'),
    f.str('network', 'Set the networking mode for the RUN instructions during build', undefined, 'default'),
  ],
  run: lazy(buildMod, (m, c) => m.build(c)),
};
const imageSave: Spec = {
  name: 'save',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  args: { min: 1 },
  flags: [f.str('output', 'Write to a file, instead of STDOUT', 'o')],
  run: lazy(archive, (m, c) => m.save(c)),
};
const imageLoad: Spec = {
  name: 'load',
  usage: '[OPTIONS]',
  short: 'Load an image from a tar archive or STDIN',
  args: { max: 0 },
  flags: [f.str('input', 'Read from tar archive file (or an OCI layout folder), instead of STDIN', 'i'), f.bool('quiet', 'Suppress the load output', 'q')],
  run: lazy(archive, (m, c) => m.load(c)),
};
const imageImport: Spec = {
  name: 'import',
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  short: 'Import the contents from a tarball to create a filesystem image',
  args: { min: 1, max: 2 },
  flags: [f.list('change', 'Apply Dockerfile instruction to the created image', 'c'), f.str('message', 'Set commit message for imported image', 'm'), f.str('platform', 'Set platform if server is multi-platform capable')],
  run: lazy(archive, (m, c) => m.importImage(c)),
};

const RUN_FLAGS: FlagSpec[] = [
  f.list('env', 'Set environment variables', 'e'),
  f.list('env-file', 'Read in a file of environment variables'),
  f.str('entrypoint', 'Overwrite the default ENTRYPOINT of the image'),
  f.str('hostname', 'Container host name', 'h'),
  f.bool('interactive', 'Keep STDIN open even if not attached', 'i'),
  f.list('label', 'Set meta data on a container', 'l'),
  { name: 'memory', shorthand: 'm', type: 'bytes', help: 'Memory limit' },
  f.list('mount', 'Attach a filesystem mount to the container'),
  f.str('name', 'Assign a name to the container'),
  f.bool('read-only', "Mount the container's root filesystem as read only"),
  f.bool('rm', 'Automatically remove the container when it exits'),
  f.str('stop-signal', 'Signal to stop a container'),
  f.bool('tty', 'Allocate a pseudo-TTY', 't'),
  f.str('user', 'Username or UID (format: <name|uid>[:<group|gid>])', 'u'),
  f.list('volume', 'Bind mount a volume', 'v'),
  f.str('workdir', 'Working directory inside the container', 'w'),
  f.str('network', 'Connect a container to a network', undefined, 'none'),
  // -h is --hostname here, as in docker; help stays reachable as --help.
  { name: 'help', type: 'bool', help: 'Print usage', hidden: true },
];

const containerCreate: Spec = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create a new container',
  args: { min: 1 },
  interspersed: false,
  errorStyle: 'run',
  flags: RUN_FLAGS,
  run: lazy(containers, (m, c) => m.create(c)),
};
const containerLs: Spec = {
  name: 'ls',
  aliases: ['ps', 'list'],
  usage: '[OPTIONS]',
  short: 'List containers',
  args: { max: 0 },
  flags: [
    f.bool('all', 'Show all containers (default shows just running)', 'a'),
    FILTER,
    FORMAT('containers'),
    { name: 'last', shorthand: 'n', type: 'int', default: -1, help: 'Show n last created containers (includes all states)' },
    f.bool('latest', 'Show the latest created container (includes all states)', 'l'),
    f.bool('no-trunc', "Don't truncate output"),
    f.bool('quiet', 'Only display container IDs', 'q'),
    f.bool('size', 'Display total file sizes', 's'),
  ],
  run: lazy(containers, (m, c) => m.ps(c)),
};
const containerRm: Spec = {
  name: 'rm',
  aliases: ['remove'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  args: { min: 1 },
  flags: [FORCE('Force the removal of a running container (uses SIGKILL)'), f.bool('link', 'Remove the specified link', 'l'), f.bool('volumes', 'Remove anonymous volumes associated with the container', 'v')],
  run: lazy(containers, (m, c) => m.rm(c)),
};
const containerDiff: Spec = {
  name: 'diff',
  usage: 'CONTAINER',
  short: "Inspect changes to files or directories on a container's filesystem",
  args: { min: 1, max: 1 },
  run: lazy(containers, (m, c) => m.diff(c)),
};
const containerCommit: Spec = {
  name: 'commit',
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  short: "Create a new image from a container's changes",
  args: { min: 1, max: 2 },
  flags: [
    f.str('author', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")', 'a'),
    f.list('change', 'Apply Dockerfile instruction to the created image', 'c'),
    f.str('message', 'Commit message', 'm'),
    { name: 'pause', shorthand: 'p', type: 'bool', default: true, help: 'Pause container during commit' },
  ],
  run: lazy(containers, (m, c) => m.commit(c)),
};
const containerCp: Spec = {
  name: 'cp',
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tlayerbox cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  short: 'Copy files/folders between a container and the local filesystem',
  args: { min: 2, max: 2 },
  flags: [f.bool('archive', 'Archive mode (copy all uid/gid information)', 'a'), f.bool('follow-link', 'Always follow symbol link in SRC_PATH', 'L')],
  run: lazy(archive, (m, c) => m.cp(c)),
};
const containerExport: Spec = {
  name: 'export',
  usage: '[OPTIONS] CONTAINER',
  short: "Export a container's filesystem as a tar archive",
  args: { min: 1, max: 1 },
  flags: [f.str('output', 'Write to a file, instead of STDOUT', 'o')],
  run: lazy(archive, (m, c) => m.exportCmd(c)),
};
const containerInspect: Spec = {
  name: 'inspect',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Display detailed information on one or more containers',
  args: { min: 1 },
  flags: [f.str('format', 'Format the output using the given Go template', 'f'), f.bool('size', 'Display total file sizes', 's')],
  run: lazy(images, (m, c) => m.inspect(c, 'container')),
};
const containerPrune: Spec = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove all stopped containers',
  args: { max: 0 },
  flags: [PRUNE_FILTER, FORCE('Do not prompt for confirmation')],
  run: lazy(containers, (m, c) => m.containerPrune(c)),
};

const volumeCreate: Spec = {
  name: 'create',
  usage: '[OPTIONS] [VOLUME]',
  short: 'Create a volume',
  args: { max: 1 },
  flags: [f.str('driver', 'Specify volume driver name', 'd', 'local'), f.list('label', 'Set metadata for a volume'), f.str('name', 'Specify volume name'), { name: 'opt', shorthand: 'o', type: 'map', help: 'Set driver specific options' }],
  run: lazy(volumes, (m, c) => m.volumeCreate(c)),
};
const volumeLs: Spec = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  short: 'List volumes',
  args: { max: 0 },
  flags: [FILTER, FORMAT('volumes'), f.bool('quiet', 'Only display volume names', 'q')],
  run: lazy(volumes, (m, c) => m.volumeLs(c)),
};
const volumeInspect: Spec = {
  name: 'inspect',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Display detailed information on one or more volumes',
  args: { min: 1 },
  flags: [f.str('format', 'Format the output using the given Go template', 'f')],
  run: lazy(images, (m, c) => m.inspect(c, 'volume')),
};
const volumeRm: Spec = {
  name: 'rm',
  aliases: ['remove'],
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Remove one or more volumes',
  args: { min: 1 },
  flags: [FORCE('Force the removal of one or more volumes')],
  run: lazy(volumes, (m, c) => m.volumeRm(c)),
};
const volumePrune: Spec = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove all unused local volumes',
  args: { max: 0 },
  flags: [PRUNE_FILTER, FORCE('Do not prompt for confirmation')],
  run: lazy(volumes, (m, c) => m.volumePrune(c)),
};

const systemDf: Spec = {
  name: 'df',
  usage: '[OPTIONS]',
  short: 'Show layerbox disk usage',
  args: { max: 0 },
  flags: [FORMAT('images'), f.bool('verbose', 'Show detailed information on space usage', 'v')],
  run: lazy(system, (m, c) => m.df(c)),
};
const systemPrune: Spec = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove unused data',
  args: { max: 0 },
  flags: [f.bool('all', 'Remove all unused images not just dangling ones', 'a'), PRUNE_FILTER, FORCE('Do not prompt for confirmation'), f.bool('volumes', 'Prune volumes')],
  run: lazy(system, (m, c) => m.systemPrune(c)),
};
const systemCheck: Spec = {
  name: 'check',
  usage: '',
  short: "Verify every blob's digest and every reference's target",
  args: { max: 0 },
  run: lazy(system, (m, c) => m.check(c)),
};
const systemInfo: Spec = {
  name: 'info',
  usage: '[OPTIONS]',
  short: 'Display system-wide information',
  args: { max: 0 },
  flags: [FORMAT('the output')],
  run: lazy(system, (m, c) => m.info(c)),
};
const builderPrune: Spec = {
  name: 'prune',
  usage: '',
  short: 'Remove build cache',
  args: { max: 0 },
  flags: [f.bool('all', 'Remove all unused build cache, not just dangling ones', 'a'), PRUNE_FILTER, FORCE('Do not prompt for confirmation')],
  run: lazy(system, async (_m, c) => {
    const e = await c.io.engine(c.globals);
    const { prune } = await import('../engine/prune.ts');
    const { humanSize } = await import('../cli/units.ts');
    const r = await e.write(() => prune(e, { buildCache: true }));
    c.io.stdout(`Total:\t${humanSize(r.reclaimed)}\n`);
  }),
};
const version: Spec = {
  name: 'version',
  usage: '[OPTIONS]',
  short: 'Show the layerbox version information',
  args: { max: 0 },
  flags: [FORMAT('the output')],
  run: lazy(system, (m, c) => m.version(c)),
};

const running = () => import('./run.ts');
const TIME = (def: number): FlagSpec => ({ name: 'time', shorthand: 't', type: 'int', default: def, help: 'Seconds to wait for it to stop before killing it' });

const containerRun: Spec = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Run a command in a new container',
  args: { min: 1 },
  interspersed: false,
  errorStyle: 'run',
  flags: [...RUN_FLAGS, f.bool('detach', 'Run container in background and print container ID', 'd')],
  run: lazy(running, (m, c) => m.run(c)),
};
const containerStart: Spec = {
  name: 'start',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Start one or more stopped containers',
  args: { min: 1 },
  flags: [f.bool('attach', 'Attach STDOUT/STDERR and forward signals', 'a'), f.bool('interactive', "Attach container's STDIN", 'i')],
  run: lazy(running, (m, c) => m.start(c)),
};
const containerStop: Spec = {
  name: 'stop',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Stop one or more running containers',
  args: { min: 1 },
  flags: [TIME(10)],
  run: lazy(running, (m, c) => m.stop(c)),
};
const containerRestart: Spec = {
  name: 'restart',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Restart one or more containers',
  args: { min: 1 },
  flags: [TIME(10)],
  run: lazy(running, (m, c) => m.restart(c)),
};
const containerKill: Spec = {
  name: 'kill',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers',
  args: { min: 1 },
  flags: [f.str('signal', 'Signal to send to the container', 's', 'KILL')],
  run: lazy(running, (m, c) => m.kill(c)),
};
const containerWait: Spec = {
  name: 'wait',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Block until one or more containers stop, then print their exit codes',
  args: { min: 1 },
  run: lazy(running, (m, c) => m.wait(c)),
};
const containerExec: Spec = {
  name: 'exec',
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  short: 'Run a command in a running container',
  args: { min: 2 },
  interspersed: false,
  flags: [
    f.list('env', 'Set environment variables', 'e'),
    f.bool('interactive', 'Keep STDIN open even if not attached', 'i'),
    f.bool('tty', 'Allocate a pseudo-TTY', 't'),
    f.str('user', 'Username or UID (format: <name|uid>[:<group|gid>])', 'u'),
    f.str('workdir', 'Working directory inside the container', 'w'),
    f.bool('detach', 'Detached mode: run command in the background', 'd'),
  ],
  run: lazy(running, (m, c) => m.exec(c)),
};
const containerLogs: Spec = {
  name: 'logs',
  usage: '[OPTIONS] CONTAINER',
  short: 'Fetch the logs of a container',
  args: { min: 1, max: 1 },
  flags: [f.bool('follow', 'Follow log output', 'f'), f.str('tail', 'Number of lines to show from the end of the logs', 'n', 'all'), f.bool('timestamps', 'Show timestamps', 't')],
  run: lazy(running, (m, c) => m.logs(c)),
};
const containerAttach: Spec = {
  name: 'attach',
  usage: '[OPTIONS] CONTAINER',
  short: "Attach local standard input, output, and error streams to a running container",
  args: { min: 1, max: 1 },
  flags: [f.bool('no-stdin', 'Do not attach STDIN')],
  run: lazy(running, (m, c) => m.attach(c)),
};
const containerTop: Spec = {
  name: 'top',
  usage: 'CONTAINER [ps OPTIONS]',
  short: 'Display the running processes of a container',
  args: { min: 1 },
  run: lazy(running, (m, c) => m.top(c)),
};
const containerPause: Spec = {
  name: 'pause',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Pause all processes within one or more containers',
  args: { min: 1 },
  run: lazy(running, (m, c) => m.pause(c)),
};
const containerUnpause: Spec = {
  name: 'unpause',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Unpause all processes within one or more containers',
  args: { min: 1 },
  run: lazy(running, (m, c) => m.unpause(c)),
};
const containerRename: Spec = {
  name: 'rename',
  usage: 'CONTAINER NEW_NAME',
  short: 'Rename a container',
  args: { min: 2, max: 2 },
  run: lazy(running, (m, c) => m.rename(c)),
};
const containerStats: Spec = {
  name: 'stats',
  usage: '[OPTIONS] [CONTAINER...]',
  short: 'Display a sample of containers\' resource usage',
  flags: [f.bool('all', 'Show all containers (default shows just running)', 'a'), FORMAT('the output'), f.bool('no-stream', 'Disable streaming stats and only pull the first result'), f.bool('no-trunc', 'Do not truncate output')],
  run: lazy(running, (m, c) => m.stats(c)),
};
const RUNNING = [containerStats, containerAttach, containerExec, containerKill, containerLogs, containerPause, containerRename, containerRestart, containerRun, containerStart, containerStop, containerTop, containerUnpause, containerWait];

export const program: ProgramSpec<LayerboxIO> = {
  name: 'layerbox',
  usage: '[OPTIONS] COMMAND',
  short: "Docker's model made tangible: images of layers, containers with a writable layer, commit",
  version: '0.1.0',
  flags: [
    f.str('root', 'Where layerbox keeps images, containers and volumes (default $LAYERBOX_ROOT or ~/.local/share/layerbox)'),
    f.bool('debug', 'Enable debug mode', 'D'),
    f.str('log-level', 'Set the logging level ("debug"|"info"|"warn"|"error"|"fatal")', 'l', 'info'),
    f.bool('version', 'Print version information and quit', 'v'),
  ],
  additionalHelp: "Run 'layerbox COMMAND --help' for more information on a command.",
  subcommands: [
    { name: 'builder', short: 'Manage builds', subcommands: [shortcut(imageBuild), builderPrune] },
    { name: 'container', short: 'Manage containers', subcommands: [containerAttach, containerCommit, containerCp, containerCreate, containerDiff, containerExec, containerExport, containerInspect, containerKill, containerLogs, containerLs, containerPause, containerPrune, containerRename, containerRestart, containerRm, containerRun, containerStart, containerStats, containerStop, containerTop, containerUnpause, containerWait] },
    { name: 'image', short: 'Manage images', subcommands: [shortcut(imageBuild), imageHistory, imageImport, imageInspect, imageLoad, imageLs, imagePrune, imageRm, imageSave, imageTag] },
    { name: 'system', short: 'Manage layerbox', subcommands: [systemCheck, systemDf, systemInfo, systemPrune] },
    { name: 'volume', short: 'Manage volumes', subcommands: [volumeCreate, volumeInspect, volumeLs, volumePrune, volumeRm] },
    shortcut(imageBuild),
    shortcut(containerCommit),
    shortcut(containerCp),
    shortcut(containerCreate),
    shortcut(containerDiff),
    shortcut(containerExport),
    shortcut(imageHistory),
    shortcut(imageLs, 'images'),
    shortcut(imageImport),
    shortcut(systemInfo),
    {
      name: 'inspect',
      usage: '[OPTIONS] NAME|ID [NAME|ID...]',
      short: 'Return low-level information on layerbox objects',
      args: { min: 1 },
      flags: [f.str('format', 'Format the output using the given Go template', 'f'), f.bool('size', 'Display total file sizes if the type is container', 's'), f.str('type', 'Return JSON for specified type')],
      run: lazy(images, (m, c) => m.inspect(c)),
    },
    shortcut(imageLoad),
    shortcut(containerLs, 'ps'),
    shortcut(containerRm),
    shortcut(imageRm, 'rmi'),
    shortcut(imageSave),
    shortcut(imageTag),
    version,
    ...RUNNING.map((x) => shortcut(x)),
  ],
};
