import type { Digest } from '../digest/digest.ts';
import { CancelledError, DataLossError, InvalidArgumentError, LayerboxError, NotFoundError } from '../errors.ts';
import type { Engine } from '../engine/engine.ts';
import { imageFromRecord, layerRecords, type Image } from '../engine/images.ts';
import { ensureImage, missingImageMessage } from '../engine/catalog.ts';
import { encodeConfig, stageImage, tagUpdates } from '../engine/image-writer.ts';
import { emptyRoot, imageRootfs, stackRoot } from '../engine/rootfs.ts';
import { refs } from '../engine/refs.ts';
import { DEFAULT_PLATFORM, type ContainerConfig, type ImageConfig, type HistoryEntry } from '../image/config.ts';
import { chainIds } from '../image/chain.ts';
import type { LayerRecord } from '../image/records.ts';
import { formatTagged, parseTagged } from '../image/reference.ts';
import { layerFromTree } from '../layer/layer.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import { MutableDir, EMPTY_META } from '../tree/mutable.ts';
import type { DirNode } from '../tree/node.ts';
import { UnionFs } from '../unionfs/unionfs.ts';
import { parseDockerfile, type Dockerfile, type Stage } from '../dockerfile/dockerfile.ts';
import type { CopyInstruction, AddInstruction, Instruction } from '../dockerfile/instructions.ts';
import { DockerfileError } from '../dockerfile/error.ts';
import { expandWord, expandWords, type Lookup } from '../dockerfile/shell.ts';
import { createDockerignore } from '../dockerfile/dockerignore.ts';
import { AUTOMATIC_PLATFORM_ARGS } from '../dockerfile/variables.ts';
import type { BuildContext } from './context.ts';
import { readAll } from './context.ts';
import { ContextSource, FsSource, type CopySource } from './source.ts';
import { copyInto } from './copy.ts';
import { applyMetadata, absolute, getEnv } from './metadata.ts';
import { baseKey, stepKey } from './cache-key.ts';
import { BuildLog } from './build-log.ts';
import { parseChmod, resolveOwner } from './user.ts';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const BUILDKIT_COMMENT = 'buildkit.dockerfile.v0';

export interface BuildOptions {
  context: BuildContext;
  /** Dockerfile text; when absent it is read from `dockerfilePath` in the context. */
  dockerfile?: string;
  /** Path of the Dockerfile inside the context (default `Dockerfile`), for reading and messages. */
  dockerfilePath?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  /** SOURCE_DATE_EPOCH: fixes every timestamp (and clamps file mtimes) for reproducible images. */
  sourceDateEpoch?: number;
  labels?: Record<string, string>;
  /** Progress lines, `--progress=plain` style. */
  log?: (line: string) => void;
  /** Warnings (unused build args, lint findings). */
  warn?: (line: string) => void;
  /** Runs RUN steps; without one a build that reaches RUN fails, naming the line. */
  runner?: BuildRunner;
  /**
   * Settles when nobody waits for the build any more (its user interrupted it): the
   * build stops before its next step, and nothing it staged is kept.
   */
  cancelled?: Promise<unknown>;
}

/** What a RUN step asks of the runtime: run argv over a root filesystem, return its changes. */
export interface RunRequest {
  /** The merged root the step starts from (read-only lower layer). */
  root: DirNode;
  argv: string[];
  env: string[];
  cwd: string;
  /** `USER` as written (name or uid, optional `:group`); '' for root. */
  user: string;
  /** Output as it arrives (the build log shows it). */
  output(bytes: Uint8Array): void;
  /** `file:line` of the instruction, for messages. */
  where: string;
  /** Settles when the build is cancelled: the runner ends the step's processes then. */
  cancelled?: Promise<unknown>;
}

export interface RunResult {
  /** Exit status (128+n when killed by signal n). */
  status: number;
  /** Why the program could not start, when it could not. */
  error?: string;
  /** The step's writable layer: a diff tree over `root`. */
  upper: DirNode;
}

export interface BuildRunner {
  run(req: RunRequest): Promise<RunResult>;
}

export interface BuildResult {
  id: Digest;
  tags: string[];
  /** Steps reused from the cache, and steps run. */
  cached: number;
  executed: number;
}

/** What a stage has built so far. */
interface StageState {
  config: ImageConfig;
  layers: LayerRecord[];
  root: DirNode;
  key: Digest;
  /** ARGs declared in this stage and their values (undefined: declared without value). */
  args: Map<string, string | undefined>;
}

/**
 * Builds images from Dockerfiles with BuildKit's semantics over the engine's store.
 * Every step is cached by a key chained from its parent; a step's result is stored as
 * an image record under `cache/<key>`, so a rebuild reuses configs, layers and
 * timestamps and gives the same image ID. A failed build publishes nothing.
 * Caller holds the lock.
 */
export async function build(e: Engine, opts: BuildOptions): Promise<BuildResult> {
  const log = new BuildLog(opts.log ?? (() => {}), () => e.now());
  const file = opts.dockerfilePath ?? 'Dockerfile';
  const ctx = opts.context;

  const defStep = log.step(`[internal] load build definition from ${file}`);
  let text = opts.dockerfile;
  if (text === undefined) {
    const st = await ctx.lstat(file);
    if (!st || st.type !== 'file') {
      throw new NotFoundError(`failed to read ${file}: no such file in ${ctx.name} (use -f to name another Dockerfile)`);
    }
    text = new TextDecoder().decode(await readAll(ctx, file));
  }
  const df = parseDockerfile(text, { file: file.split('/').pop() ?? file });
  defStep.done();
  for (const w of df.warnings) opts.warn?.(`WARNING: ${w.message}`);

  const ignoreStep = log.step('[internal] load .dockerignore');
  let ignore;
  for (const name of [`${file}.dockerignore`, '.dockerignore']) {
    const st = await ctx.lstat(name);
    if (st?.type === 'file') {
      ignore = createDockerignore(new TextDecoder().decode(await readAll(ctx, name)));
      break;
    }
  }
  ignoreStep.done();
  const source = new ContextSource(ctx, ignore);

  const buildArgs = opts.buildArgs ?? {};
  const usedArgs = new Set<string>();
  const time = opts.sourceDateEpoch !== undefined ? opts.sourceDateEpoch * 1000 : e.now();
  const created = new Date(time).toISOString();
  const b = new Builder(e, df, source, { ...opts, buildArgs }, usedArgs, created, log);

  const target = b.targetStage(opts.target);
  const result = await b.stage(target);

  const unused = Object.keys(buildArgs).filter((a) => !usedArgs.has(a) && !AUTOMATIC_PLATFORM_ARGS.has(a));
  if (unused.length) opts.warn?.(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);

  b.checkCancelled();
  const exportStep = log.step('exporting to image');
  let config = result.config;
  if (opts.labels && Object.keys(opts.labels).length) {
    config = { ...config, config: { ...config.config, Labels: { ...(config.config?.Labels ?? {}), ...opts.labels } } };
  }
  const staged = await stageImage(e, { rawConfig: encodeConfig(config), layers: result.layers });
  const tags = (opts.tags ?? []).map((t) => formatTagged(parseTagged(t)));
  const chain = chainIds(result.layers.map((l) => l.diffId));
  const updates: RefUpdate[] = [...b.updates, ...staged.updates, ...tagUpdates(staged.id, tags)];
  if (chain.length) updates.push({ name: refs.rootfs(chain[chain.length - 1]!), value: await e.putJson({ root: result.root }) });
  await e.commitRefs(updates);
  exportStep.log(`writing image ${staged.id} done`);
  for (const t of tags) exportStep.log(`naming to ${t} done`);
  exportStep.done();
  return { id: staged.id, tags, cached: b.cachedSteps, executed: b.executedSteps };
}

class Builder {
  readonly updates: RefUpdate[] = [];
  cachedSteps = 0;
  executedSteps = 0;
  private readonly results = new Map<number, Promise<StageState>>();
  private readonly metaScope = new Map<string, string | undefined>();
  private stopped = false;

  constructor(
    private readonly e: Engine,
    private readonly df: Dockerfile,
    private readonly context: CopySource,
    private readonly opts: BuildOptions & { buildArgs: Record<string, string> },
    private readonly usedArgs: Set<string>,
    private readonly created: string,
    private readonly log: BuildLog,
  ) {
    void opts.cancelled?.then(
      () => (this.stopped = true),
      () => (this.stopped = true),
    );
    for (const a of ['TARGETPLATFORM', 'BUILDPLATFORM']) this.metaScope.set(a, 'linux/amd64');
    for (const a of ['TARGETOS', 'BUILDOS']) this.metaScope.set(a, 'linux');
    for (const a of ['TARGETARCH', 'BUILDARCH']) this.metaScope.set(a, 'amd64');
    for (const a of ['TARGETVARIANT', 'BUILDVARIANT']) this.metaScope.set(a, '');
    for (const inst of df.metaArgs) {
      for (const def of inst.args) {
        const lookup: Lookup = (n) => this.metaScope.get(n);
        let value = def.default !== undefined ? this.expand(def.default, lookup, inst.location) : undefined;
        if (def.name in opts.buildArgs) {
          value = opts.buildArgs[def.name];
          usedArgs.add(def.name);
        }
        this.metaScope.set(def.name, value);
      }
    }
  }

  targetStage(target: string | undefined): Stage {
    const stages = this.df.stages;
    if (target === undefined) return stages[stages.length - 1]!;
    const s = stages.find((x) => x.name === target.toLowerCase());
    if (!s) {
      const names = stages.map((x) => x.name).filter(Boolean);
      throw new InvalidArgumentError(`target stage "${target}" could not be found${names.length ? ` (stages: ${names.join(', ')})` : ''}`);
    }
    return s;
  }

  private expand(word: string, lookup: Lookup, loc: Dockerfile['stages'][number]['from']['location']): string {
    try {
      return expandWord(word, lookup, { escapeChar: this.df.escapeChar }).value;
    } catch (err) {
      throw new DockerfileError(err instanceof Error ? err.message : String(err), loc, { cause: err });
    }
  }

  private stageLabel(stage: Stage): string {
    if (this.df.stages.length === 1) return '';
    return (stage.name ?? `stage-${stage.index}`) + ' ';
  }

  /** Build a stage once, however many stages depend on it. */
  stage(stage: Stage): Promise<StageState> {
    let p = this.results.get(stage.index);
    if (!p) {
      p = this.buildStage(stage);
      this.results.set(stage.index, p);
    }
    return p;
  }

  private stageByRef(ref: string, before: number): Stage | undefined {
    const lower = ref.toLowerCase();
    const byName = this.df.stages.find((s) => s.index < before && s.name === lower);
    if (byName) return byName;
    if (/^\d+$/.test(ref)) {
      const i = Number(ref);
      const s = this.df.stages[i];
      if (s && i < before) return s;
    }
    return undefined;
  }

  private async imageOrExplain(ref: string, where: string): Promise<Image> {
    try {
      return await ensureImage(this.e, ref, { locked: true });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      throw new InvalidArgumentError(`${where}: ${await missingImageMessage(this.e, ref)}`);
    }
  }

  private async buildStage(stage: Stage): Promise<StageState> {
    const from = stage.from;
    const where = `${from.location.file}:${from.location.startLine}`;
    const total = stage.instructions.length + 1;
    const label = this.stageLabel(stage);
    const imageRef = this.expand(from.image, (n) => this.metaScope.get(n), from.location);
    if (!imageRef) throw new DockerfileError(`base name (${from.image}) should not be blank`, from.location);

    let state: StageState;
    const step = this.log.step(`[${label}1/${total}] FROM ${imageRef}`);
    const dep = this.stageByRef(imageRef, stage.index);
    if (dep) {
      const s = await this.stage(dep);
      state = { ...s, args: new Map(s.args), config: structuredClone(s.config) };
    } else if (imageRef === 'scratch') {
      state = {
        config: this.scratchConfig(),
        layers: [],
        root: await emptyRoot(this.e),
        key: baseKey('scratch', this.opts.sourceDateEpoch),
        args: new Map(),
      };
    } else {
      const img = await this.imageOrExplain(imageRef, `${where}: FROM ${imageRef}`);
      const { root, cache } = await imageRootfs(this.e, img);
      this.updates.push(...cache);
      state = {
        config: this.childConfig(img.config),
        layers: await layerRecords(this.e, img),
        root,
        key: baseKey(img.id, this.opts.sourceDateEpoch),
        args: new Map(),
      };
    }
    step.done();

    // ONBUILD triggers of the base run first, then are cleared, as in Docker.
    const triggers = state.config.config?.OnBuild ?? [];
    if (triggers.length) {
      state.config.config = { ...state.config.config, OnBuild: null };
      for (const t of triggers) {
        const parsed = parseDockerfile(`FROM scratch\n${t}\n`, { file: `ONBUILD (from ${imageRef})` });
        const inst = parsed.stages[0]!.instructions[0]!;
        state = await this.step(stage, state, inst, `[${label}1/${total}] ONBUILD ${t}`);
      }
    }
    let i = 1;
    for (const inst of stage.instructions) {
      i++;
      state = await this.step(stage, state, inst, `[${label}${i}/${total}] ${inst.original}`);
    }
    return state;
  }

  private scratchConfig(): ImageConfig {
    return {
      architecture: DEFAULT_PLATFORM.architecture,
      os: DEFAULT_PLATFORM.os,
      config: { Env: [`PATH=${DEFAULT_PATH}`], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [] },
      history: [],
    };
  }

  private childConfig(base: ImageConfig): ImageConfig {
    const c: ContainerConfig = structuredClone(base.config ?? {});
    if (getEnv(c.Env, 'PATH') === undefined) c.Env = [`PATH=${DEFAULT_PATH}`, ...(c.Env ?? [])];
    if (!c.WorkingDir) c.WorkingDir = '/';
    const out: ImageConfig = {
      architecture: base.architecture ?? DEFAULT_PLATFORM.architecture,
      os: base.os ?? DEFAULT_PLATFORM.os,
      config: c,
      rootfs: { type: 'layers', diff_ids: [...(base.rootfs?.diff_ids ?? [])] },
      history: [...(base.history ?? [])],
    };
    if (base.variant) out.variant = base.variant;
    return out;
  }

  /** The variable scope of a stage: its ENV, then its declared ARGs. */
  private lookup(state: StageState): Lookup {
    return (name) => {
      const env = getEnv(state.config.config?.Env, name);
      if (env !== undefined) return env;
      if (state.args.has(name)) return state.args.get(name);
      return undefined;
    };
  }

  /** Throws when the build was cancelled. */
  checkCancelled(): void {
    if (this.stopped) throw new CancelledError('build cancelled');
  }

  private async step(stage: Stage, state: StageState, inst: Instruction, title: string): Promise<StageState> {
    this.checkCancelled();
    const where = `${inst.location.file}:${inst.location.startLine}`;
    const lookup = this.lookup(state);
    const expand = (w: string) => this.expand(w, lookup, inst.location);
    const expandMany = (w: string) => {
      try {
        return expandWords(w, lookup, { escapeChar: this.df.escapeChar }).words;
      } catch (err) {
        throw new DockerfileError(err instanceof Error ? err.message : String(err), inst.location, { cause: err });
      }
    };
    const v = this.log.step(title);
    try {
      const next = await this.run(stage, state, inst, where, expand, expandMany, v);
      return next;
    } catch (err) {
      v.error(err instanceof Error ? err.message : String(err));
      if (err instanceof DockerfileError || !(err instanceof LayerboxError)) throw err;
      if (err.message.startsWith(where)) throw err;
      throw new DockerfileError(`${inst.name.toUpperCase()}: ${err.message}`, inst.location, { cause: err });
    }
  }

  private async run(
    stage: Stage,
    state: StageState,
    inst: Instruction,
    where: string,
    expand: (w: string) => string,
    expandMany: (w: string) => string[],
    v: ReturnType<BuildLog['step']>,
  ): Promise<StageState> {
    switch (inst.kind) {
      case 'arg': {
        const args = new Map(state.args);
        const texts: string[] = [];
        const values: string[] = [];
        for (const def of inst.args) {
          const dflt = def.default !== undefined ? expand(def.default) : undefined;
          let value = dflt;
          if (def.default === undefined && this.metaScope.has(def.name)) value = this.metaScope.get(def.name);
          if (def.name in this.opts.buildArgs) {
            value = this.opts.buildArgs[def.name];
            this.usedArgs.add(def.name);
          }
          args.set(def.name, value);
          // History shows the Dockerfile's default, as BuildKit records it; the value in
          // force (a --build-arg) goes into the cache key.
          texts.push(dflt !== undefined ? `${def.name}=${dflt}` : def.name);
          values.push(`${def.name}=${value ?? ''}`);
        }
        return this.finish({ ...state, args }, structuredClone(state.config), `ARG ${texts.join(' ')}`, undefined, values, v);
      }
      case 'run':
        return this.runStep(state, inst, where, v);
      case 'copy':
      case 'add':
        return this.copyStep(stage, state, inst, where, expand, v);
      default: {
        const config = structuredClone(state.config);
        const c: ContainerConfig = config.config ?? {};
        let author: string | undefined;
        const text = applyMetadata(c, inst, expand, expandMany, { where, author: (a) => (author = a) });
        if (inst.kind === 'entrypoint' && state.config.config?.Cmd && !this.stageSetCmd(stage, inst)) c.Cmd = null;
        config.config = c;
        if (author !== undefined) config.author = author;
        // BuildKit records no history entry for ONBUILD; it only changes the config.
        return this.finish(state, config, text, undefined, [], v, {
          ...(inst.kind === 'workdir' ? { workdir: c.WorkingDir ?? '/' } : {}),
          history: inst.kind !== 'onbuild',
        });
      }
    }
  }

  /**
   * RUN: the command runs over the stage's root with the stage's ENV, ARGs, WORKDIR and
   * USER; what it changes becomes the step's layer (an empty one when it changes
   * nothing, as BuildKit records). Cached like any step: the key covers the command and
   * the ARG values in force, shown in history as BuildKit writes them (`|2 A=1 B=2 …`).
   */
  private async runStep(state: StageState, inst: Extract<Instruction, { kind: 'run' }>, where: string, v: ReturnType<BuildLog['step']>): Promise<StageState> {
    const c = state.config.config ?? {};
    const shell = c.Shell ?? ['/bin/sh', '-c'];
    let argv: string[];
    if (inst.form === 'exec') argv = [...inst.command];
    else {
      const text = inst.command.join(' ');
      const only = inst.heredocs.length === 1 && /^\s*\d*<<-?\s*\S+\s*$/.test(text);
      // A heredoc that is the whole command is the script; otherwise the shell reads the
      // bodies after the command line, as it would from a script file.
      argv = [...shell, only ? inst.heredocs[0]!.content : [text, ...inst.heredocs.map((h) => h.content + h.name)].join('\n')];
    }
    // ARGs in force, in declaration order; an ENV of the same name shows its value.
    const args: string[] = [];
    for (const [name, value] of state.args) {
      const env = getEnv(c.Env, name);
      if (env !== undefined) args.push(`${name}=${env}`);
      else if (value !== undefined) args.push(`${name}=${value}`);
    }
    const shown = inst.form === 'exec' ? argv.join(' ') : [...shell, inst.command.join(' ')].join(' ');
    const text = `RUN ${args.length ? `|${args.length} ${args.join(' ')} ` : ''}${shown} # buildkit`;
    if (inst.mounts.length) {
      throw new DockerfileError(`RUN --mount=${inst.mounts[0]}: build mounts are not supported by layerbox; COPY the files into the image instead`, inst.location);
    }
    const runner = this.opts.runner;
    if (!runner) {
      throw new DockerfileError(`RUN ${inst.command.join(' ')}: this layerbox host cannot run programs during a build`, inst.location);
    }
    const env = [...(c.Env ?? [])];
    for (const [name, value] of state.args) {
      if (value !== undefined && getEnv(env, name) === undefined) env.push(`${name}=${value}`);
    }
    const produce = async (): Promise<DirNode> => {
      // The log shows whole lines; a chunk may end mid-line.
      let partial = '';
      const dec = new TextDecoder();
      const r = await runner.run({
        root: state.root,
        argv,
        env,
        cwd: c.WorkingDir || '/',
        user: c.User ?? '',
        output: (b) => {
          const text = partial + dec.decode(b, { stream: true });
          const cut = text.lastIndexOf('\n');
          if (cut >= 0) v.log(text.slice(0, cut));
          partial = text.slice(cut + 1);
        },
        where,
        ...(this.opts.cancelled ? { cancelled: this.opts.cancelled } : {}),
      });
      // A step ended by cancelling is no failure of the step: the build just stops.
      this.checkCancelled();
      if (partial) v.log(partial);
      if (r.error) throw new DockerfileError(`executor failed running [${argv.join(' ')}]: ${r.error}`, inst.location);
      if (r.status !== 0) {
        throw new DockerfileError(`executor failed running [${argv.join(' ')}]: exit code: ${r.status}`, inst.location);
      }
      return r.upper;
    };
    return this.finish(state, structuredClone(state.config), text, produce, inst.heredocs.map((h) => h.content), v);
  }

  /** Whether CMD was set in this stage before `inst` (then ENTRYPOINT keeps it). */
  private stageSetCmd(stage: Stage, inst: Instruction): boolean {
    const i = stage.instructions.indexOf(inst);
    return stage.instructions.slice(0, i < 0 ? 0 : i).some((x) => x.kind === 'cmd');
  }

  /**
   * Record a step: look it up in the cache by key, else produce and store it. A step
   * with a layer (or a WORKDIR that creates its folder) changes the root.
   */
  private async finish(
    state: StageState,
    config: ImageConfig,
    historyText: string,
    layerRoot: DirNode | undefined | (() => Promise<DirNode>),
    extra: string[],
    v: ReturnType<BuildLog['step']>,
    opts: { workdir?: string; history?: boolean } = {},
  ): Promise<StageState> {
    const workdir = opts.workdir;
    const key = stepKey(state.key, historyText, extra);
    const hit = this.opts.noCache ? undefined : await this.cached(key, state);
    if (hit) {
      this.cachedSteps++;
      v.cached();
      return hit;
    }
    let root = state.root;
    let layer: LayerRecord | undefined;
    // A RUN step's layer is made only on a cache miss: running is the expensive part.
    if (typeof layerRoot === 'function') layerRoot = await layerRoot();
    if (layerRoot) layer = await layerFromTree(this.e.trees, this.e.blobs, layerRoot);
    else if (workdir) {
      // WORKDIR makes its folder if missing, and always records a layer (empty when
      // the folder exists), as BuildKit does.
      const fs = new UnionFs(this.e.trees, state.root, new MutableDir(EMPTY_META, { implicit: true }));
      if (!(await fs.stat(workdir))) {
        // The folders belong to the current USER, as BuildKit makes them.
        const user = config.config?.User;
        const owner = user ? await this.owner(fs, user, `WORKDIR ${workdir}`) : { uid: 0, gid: 0 };
        await fs.mkdir(workdir, { mode: 0o755, ...owner, mtime: Math.floor(Date.parse(this.created) / 1000) }, { parents: true });
      }
      layer = await layerFromTree(this.e.trees, this.e.blobs, await fs.upper.persist(this.e.trees));
    }
    const layers = layer ? [...state.layers, layer] : state.layers;
    if (layer) root = await stackRoot(this.e, state.root, layer.root);
    const entry: HistoryEntry = { created: this.created, created_by: historyText, comment: BUILDKIT_COMMENT };
    if (!layer) entry.empty_layer = true;
    const out: ImageConfig = {
      ...config,
      created: this.created,
      history: opts.history === false ? [...(config.history ?? [])] : [...(config.history ?? []), entry],
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    };
    const staged = await stageImage(this.e, { rawConfig: encodeConfig(canonicalOrder(out)), layers });
    this.updates.push(...staged.updates.filter((u) => !u.name.startsWith('image/')));
    this.updates.push({ name: refs.cache(key), value: staged.recordDigest });
    if (layer) {
      const chain = chainIds(layers.map((l) => l.diffId));
      this.updates.push({ name: refs.rootfs(chain[chain.length - 1]!), value: await this.e.putJson({ root }) });
    }
    this.executedSteps++;
    v.done();
    return { ...state, config: JSON.parse(new TextDecoder().decode(encodeConfig(canonicalOrder(out)))) as ImageConfig, layers, root, key };
  }

  private async cached(key: Digest, state: StageState): Promise<StageState | undefined> {
    const d = (await this.e.refs.get(refs.cache(key))) ?? this.updates.find((u) => u.name === refs.cache(key))?.value ?? undefined;
    if (!d) return undefined;
    try {
      const img = await imageFromRecord(this.e, d);
      const layers = await layerRecords(this.e, img);
      let root = state.root;
      if (layers.length !== state.layers.length) {
        const r = await imageRootfs(this.e, img);
        this.updates.push(...r.cache);
        root = r.root;
      }
      const config = img.config;
      return { ...state, config, layers, root, key };
    } catch (err) {
      if (err instanceof DataLossError || err instanceof NotFoundError) return undefined; // a damaged entry is rebuilt
      throw err;
    }
  }

  private async copyStep(
    stage: Stage,
    state: StageState,
    inst: CopyInstruction | AddInstruction,
    where: string,
    expand: (w: string) => string,
    v: ReturnType<BuildLog['step']>,
  ): Promise<StageState> {
    const label = `${where}: ${inst.name.toUpperCase()}`;
    let source: CopySource = this.context;
    const extra: string[] = [];
    if (inst.kind === 'copy' && inst.from !== undefined) {
      const fromRef = expand(inst.from);
      const dep = this.stageByRef(fromRef, stage.index);
      let root: DirNode;
      if (dep) {
        const s = await this.stage(dep);
        root = s.root;
        extra.push(`from-stage ${s.key}`);
      } else {
        if (this.df.stages.some((s) => s.name === fromRef.toLowerCase() && s.index >= stage.index)) {
          throw new DockerfileError(`COPY --from=${fromRef}: stage ${fromRef} is defined later in the Dockerfile; a stage can only copy from stages above it`, inst.location);
        }
        const img = await this.imageOrExplain(fromRef, `${label} --from=${fromRef}`).catch((err) => {
          const names = this.df.stages.filter((s) => s.index < stage.index && s.name).map((s) => s.name);
          throw new DockerfileError(
            `COPY --from=${fromRef}: no stage or image named ${JSON.stringify(fromRef)}${names.length ? ` (stages above: ${names.join(', ')})` : ''}; ${err instanceof Error ? err.message.replace(/^.*?: image/, 'image') : ''}`,
            inst.location,
          );
        });
        const r = await imageRootfs(this.e, img);
        this.updates.push(...r.cache);
        root = r.root;
        extra.push(`from-image ${img.id}`);
      }
      source = new FsSource(`stage ${fromRef}`, new UnionFs(this.e.trees, root, new MutableDir(EMPTY_META, { implicit: true })), this.e.blobs);
    }
    if (inst.kind === 'add') {
      for (const s of inst.sources) {
        const x = expand(s);
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(x) || x.startsWith('git@')) {
          throw new DockerfileError(
            `ADD ${x}: layerbox builds offline and cannot download; fetch the file yourself, put it in the build context and COPY it`,
            inst.location,
          );
        }
      }
    }
    const lowerFs = new UnionFs(this.e.trees, state.root, new MutableDir(EMPTY_META, { implicit: true }));
    const workdir = state.config.config?.WorkingDir;
    const destRaw = expand(inst.dest);
    const dest = absolute(destRaw, workdir);
    let owner: { uid: number; gid: number } | undefined;
    if (inst.chown !== undefined) owner = await this.owner(lowerFs, expand(inst.chown), `${label} --chown=${expand(inst.chown)}`);
    const chmod = inst.chmod !== undefined ? parseChmod(expand(inst.chmod), label) : undefined;
    const sources = inst.sources.map(expand);
    const inline = inst.contents.map((c) => ({
      name: c.name,
      content: new TextEncoder().encode(c.expand ? this.expandBody(c.content, state, inst) : c.content),
    }));
    const sums = await copyInto(lowerFs, this.e.blobs, {
      source,
      sources,
      inline,
      dest,
      destSlash: destRaw.endsWith('/') || destRaw.endsWith('/.'),
      ...(owner ? { owner } : {}),
      ...(chmod !== undefined ? { chmod } : {}),
      unpack: inst.kind === 'add',
      ...(this.opts.sourceDateEpoch !== undefined ? { clampMtime: this.opts.sourceDateEpoch } : {}),
      now: Math.floor(Date.parse(this.created) / 1000),
      limits: this.e.limits,
      where: label,
    });
    const text = `${inst.name.toUpperCase()} ${copyHistoryArgs(inst, expand)} # buildkit`;
    return this.finish(state, structuredClone(state.config), text, await lowerFs.upper.persist(this.e.trees), [...extra, ...sums], v);
  }

  /**
   * Resolve `user[:group]` in the stage's /etc/passwd and /etc/group. A name that is not
   * there falls back as Docker 20.10 does (user → 0:0, group → the user's group), with a
   * warning, since the build would otherwise silently give files to root.
   */
  private async owner(fs: UnionFs, spec: string, where: string): Promise<{ uid: number; gid: number }> {
    try {
      return await resolveOwner(fs, spec, where);
    } catch (err) {
      const [user] = spec.split(':', 1) as [string];
      let fallback = { uid: 0, gid: 0 };
      try {
        if (!/^\d+$/.test(user)) fallback = await resolveOwner(fs, user, where);
        else fallback = { uid: Number(user), gid: Number(user) };
      } catch {
        // the user is unknown too: root, as Docker does
      }
      this.opts.warn?.(`WARNING: ${err instanceof Error ? err.message : String(err)}; using ${fallback.uid}:${fallback.gid} as Docker does`);
      return fallback;
    }
  }

  private expandBody(body: string, state: StageState, inst: Instruction): string {
    try {
      return expandWord(body, this.lookup(state), { escapeChar: '\\', skipQuotes: true }).value;
    } catch (err) {
      throw new DockerfileError(err instanceof Error ? err.message : String(err), inst.location, { cause: err });
    }
  }
}

/** How BuildKit writes a COPY/ADD in history: sources and destination expanded, no flags. */
function copyHistoryArgs(inst: CopyInstruction | AddInstruction, expand: (w: string) => string): string {
  return [...inst.sources.map(expand), ...inst.contents.map((c) => `<<${c.name}`), expand(inst.dest)].join(' ');
}

/** Key order of Docker's config JSON, so our configs read like Docker's. */
function canonicalOrder(c: ImageConfig): ImageConfig {
  const out: Record<string, unknown> = {};
  for (const k of ['architecture', 'author', 'config', 'container', 'container_config', 'created', 'docker_version', 'history', 'os', 'rootfs', 'variant'] as const) {
    if (c[k] !== undefined) out[k] = c[k];
  }
  return out as unknown as ImageConfig;
}

