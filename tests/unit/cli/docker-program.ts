// A command table shaped like docker 20.10's own, built with layerbox's CLI machinery,
// so that its help, errors and parsing can be compared with the real client's output
// byte for byte. Flags and texts are docker's (from its --help). Every run records
// what it was called with.
import type { CliIO, CommandContext, CommandSpec, ProgramSpec } from '../../../shared/cli/command.ts';
import { shortcut } from '../../../shared/cli/command.ts';
import type { FlagSpec } from '../../../shared/cli/args.ts';
import { DOCKER_GROUPS, DOCKER_LEAVES } from './docker-names.ts';

export interface Call {
  path: string;
  args: string[];
  flags: Record<string, unknown>;
  globals: Record<string, unknown>;
  argsLenAtDash: number;
}

export function dockerProgram(calls: Call[] = []): ProgramSpec {
  const run = (ctx: CommandContext<CliIO>): number => {
    calls.push({
      path: ctx.path,
      args: ctx.args,
      flags: ctx.flags.toObject(),
      globals: ctx.globals.toObject(),
      argsLenAtDash: ctx.argsLenAtDash,
    });
    return 0;
  };
  const leaf = (name: string, short: string, extra: Partial<CommandSpec> = {}): CommandSpec => ({ name, short, run, ...extra });

  const formatFlag = (what: string): FlagSpec => ({ name: 'format', type: 'string', help: `Pretty-print ${what} using a Go template` });
  const filterFlag: FlagSpec = { name: 'filter', shorthand: 'f', type: 'filter', help: 'Filter output based on conditions provided' };

  const imageLs = leaf('ls', 'List images', {
    aliases: ['list'],
    usage: '[OPTIONS] [REPOSITORY[:TAG]]',
    args: { max: 1 },
    flags: [
      { name: 'quiet', shorthand: 'q', type: 'bool', help: 'Only show image IDs' },
      { name: 'all', shorthand: 'a', type: 'bool', help: 'Show all images (default hides intermediate images)' },
      { name: 'digests', type: 'bool', help: 'Show digests' },
      formatFlag('images'),
      { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
      filterFlag,
    ],
  });
  const imageRm = leaf('rm', 'Remove one or more images', {
    aliases: ['rmi', 'remove'],
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    args: { min: 1 },
    flags: [
      { name: 'force', shorthand: 'f', type: 'bool', help: 'Force removal of the image' },
      { name: 'no-prune', type: 'bool', help: 'Do not delete untagged parents' },
    ],
  });
  const imageTag = leaf('tag', 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', {
    usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
    args: { min: 2, max: 2 },
  });
  const imageBuild = leaf('build', 'Build an image from a Dockerfile', {
    usage: '[OPTIONS] PATH | URL | -',
    args: { min: 1, max: 1 },
    flags: [
      { name: 'build-arg', type: 'list', help: 'Set build-time variables' },
      { name: 'file', shorthand: 'f', type: 'string', help: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
      { name: 'tag', shorthand: 't', type: 'list', help: "Name and optionally a tag in the 'name:tag' format" },
      { name: 'quiet', shorthand: 'q', type: 'bool', help: 'Suppress the build output and print image ID on success' },
      { name: 'label', type: 'list', help: 'Set metadata for an image' },
    ],
  });
  const containerLs = leaf('ls', 'List containers', {
    aliases: ['ps', 'list'],
    usage: '[OPTIONS]',
    args: { max: 0 },
    flags: [
      { name: 'quiet', shorthand: 'q', type: 'bool', help: 'Only display container IDs' },
      { name: 'size', shorthand: 's', type: 'bool', help: 'Display total file sizes' },
      { name: 'all', shorthand: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
      { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
      { name: 'latest', shorthand: 'l', type: 'bool', help: 'Show the latest created container (includes all states)' },
      { name: 'last', shorthand: 'n', type: 'int', default: -1, help: 'Show n last created containers (includes all states)' },
      formatFlag('containers'),
      filterFlag,
    ],
  });
  const containerRm = leaf('rm', 'Remove one or more containers', {
    aliases: ['remove'],
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    args: { min: 1 },
    flags: [
      { name: 'force', shorthand: 'f', type: 'bool', help: 'Force the removal of a running container (uses SIGKILL)' },
      { name: 'link', shorthand: 'l', type: 'bool', help: 'Remove the specified link' },
      { name: 'volumes', shorthand: 'v', type: 'bool', help: 'Remove anonymous volumes associated with the container' },
    ],
  });
  const exec = leaf('exec', 'Run a command in a running container', {
    usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
    args: { min: 2 },
    interspersed: false,
    flags: [
      { name: 'detach', shorthand: 'd', type: 'bool', help: 'Detached mode: run command in the background' },
      { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
      { name: 'env', shorthand: 'e', type: 'list', help: 'Set environment variables' },
      { name: 'env-file', type: 'list', help: 'Read in a file of environment variables' },
      { name: 'interactive', shorthand: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
      { name: 'privileged', type: 'bool', help: 'Give extended privileges to the command' },
      { name: 'tty', shorthand: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
      { name: 'user', shorthand: 'u', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
      { name: 'workdir', shorthand: 'w', type: 'string', help: 'Working directory inside the container' },
    ],
  });
  const runCmd = leaf('run', 'Run a command in a new container', {
    usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    args: { min: 1 },
    interspersed: false,
    errorStyle: 'run',
    flags: [
      { name: 'detach', shorthand: 'd', type: 'bool', help: 'Run container in background and print container ID' },
      { name: 'env', shorthand: 'e', type: 'list', help: 'Set environment variables' },
      { name: 'interactive', shorthand: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
      { name: 'tty', shorthand: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
      { name: 'rm', type: 'bool', help: 'Automatically remove the container when it exits' },
      { name: 'name', type: 'string', help: 'Assign a name to the container' },
      { name: 'memory', shorthand: 'm', type: 'bytes', help: 'Memory limit' },
      {
        name: 'cpus',
        type: 'string',
        valueName: 'decimal',
        help: 'Number of CPUs',
        validate: (v) => {
          if (!/^\d+(\.\d+)?$/.test(v)) throw new Error(`failed to parse ${v} as a rational number`);
          return v;
        },
      },
      { name: 'stop-timeout', type: 'int', help: 'Timeout (in seconds) to stop a container' },
      { name: 'health-interval', type: 'duration', defaultText: '0s', help: 'Time between running the check (ms|s|m|h)' },
      {
        name: 'sysctl',
        type: 'map',
        help: 'Sysctl options',
        validate: (v) => {
          if (!v.includes('=')) throw new Error(`sysctl '${v}' is not whitelisted`);
          return v;
        },
      },
      { name: 'publish', shorthand: 'p', type: 'list', help: "Publish a container's port(s) to the host" },
      { name: 'label', shorthand: 'l', type: 'list', help: 'Set meta data on a container' },
      { name: 'volume', shorthand: 'v', type: 'list', help: 'Bind mount a volume' },
      { name: 'workdir', shorthand: 'w', type: 'string', help: 'Working directory inside the container' },
      { name: 'network', type: 'string', help: 'Connect a container to a network', default: 'default' },
    ],
  });
  const inspect = leaf('inspect', 'Return low-level information on Docker objects', {
    usage: '[OPTIONS] NAME|ID [NAME|ID...]',
    args: { min: 1 },
    flags: [
      { name: 'format', shorthand: 'f', type: 'string', help: 'Format the output using the given Go template' },
      { name: 'size', shorthand: 's', type: 'bool', help: 'Display total file sizes if the type is container' },
      { name: 'type', type: 'string', help: 'Return JSON for specified type' },
    ],
  });
  const volumeCreate = leaf('create', 'Create a volume', {
    usage: '[OPTIONS] [VOLUME]',
    args: { max: 1 },
    flags: [
      { name: 'driver', shorthand: 'd', type: 'string', default: 'local', help: 'Specify volume driver name' },
      { name: 'label', type: 'list', help: 'Set metadata for a volume' },
      { name: 'opt', shorthand: 'o', type: 'map', help: 'Set driver specific options' },
    ],
  });
  const volumeLs = leaf('ls', 'List volumes', {
    aliases: ['list'],
    usage: '[OPTIONS]',
    args: { max: 0 },
    flags: [
      { name: 'filter', shorthand: 'f', type: 'filter', help: "Provide filter values (e.g. 'dangling=true')" },
      formatFlag('volumes'),
      { name: 'quiet', shorthand: 'q', type: 'bool', help: 'Only display volume names' },
    ],
  });

  const detailed: Record<string, Record<string, CommandSpec>> = {
    image: { ls: imageLs, rm: imageRm, tag: imageTag, build: imageBuild },
    container: { ls: containerLs, rm: containerRm, exec, run: runCmd },
    volume: { create: volumeCreate, ls: volumeLs },
  };
  const groups: CommandSpec[] = Object.entries(DOCKER_GROUPS).map(([name, g]) => ({
    name,
    short: g.short,
    args: { max: 0 },
    subcommands: g.commands.map(([n, s]) => detailed[name]?.[n] ?? leaf(n, s)),
  }));
  const topLevel: Record<string, CommandSpec> = {
    images: shortcut(imageLs, 'images'),
    rmi: shortcut(imageRm, 'rmi'),
    tag: shortcut(imageTag),
    build: shortcut(imageBuild),
    ps: shortcut(containerLs, 'ps'),
    rm: shortcut(containerRm),
    exec: shortcut(exec),
    run: shortcut(runCmd),
    inspect,
  };
  const leaves = DOCKER_LEAVES.map(([n, s]) => topLevel[n] ?? leaf(n, s));

  return {
    name: 'docker',
    short: 'A self-sufficient runtime for containers',
    version: '20.10.24+dfsg1, build 297e128',
    additionalHelp: 'To get more help with docker, check out our guides at https://docs.docker.com/go/guides/',
    flags: [
      { name: 'config', type: 'string', default: '/root/.docker', help: 'Location of client config files' },
      {
        name: 'context',
        shorthand: 'c',
        type: 'string',
        help: 'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "docker context use")',
      },
      { name: 'debug', shorthand: 'D', type: 'bool', help: 'Enable debug mode' },
      { name: 'host', shorthand: 'H', type: 'list', help: 'Daemon socket(s) to connect to' },
      {
        name: 'log-level',
        shorthand: 'l',
        type: 'string',
        default: 'info',
        help: 'Set the logging level ("debug"|"info"|"warn"|"error"|"fatal")',
      },
      { name: 'tls', type: 'bool', help: 'Use TLS; implied by --tlsverify' },
      { name: 'tlscacert', type: 'string', default: '/root/.docker/ca.pem', help: 'Trust certs signed only by this CA' },
      { name: 'tlscert', type: 'string', default: '/root/.docker/cert.pem', help: 'Path to TLS certificate file' },
      { name: 'tlskey', type: 'string', default: '/root/.docker/key.pem', help: 'Path to TLS key file' },
      { name: 'tlsverify', type: 'bool', help: 'Use TLS and verify the remote' },
      { name: 'version', shorthand: 'v', type: 'bool', help: 'Print version information and quit' },
    ],
    subcommands: [...groups, ...leaves],
  };
}
