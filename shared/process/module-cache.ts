/**
 * Compiled modules by content digest (and memory cap): the same program is compiled once
 * per engine, however many containers and processes run it. A compiled `Module` is what
 * gets posted to a warm worker, so a warm start never compiles.
 */
import { WA, type WasmModule } from './wasm-api.ts';
import { capMemory, definedMemory, type MemoryLimits } from './wasm-binary.ts';
import { ExecError } from './exec-error.ts';

export const HOST_APPLETS_SECTION = 'layerbox.host-applets';

export interface CompiledProgram {
  module: WasmModule;
  /** Names from the `layerbox.host-applets` custom section (ABI.md). */
  applets: readonly string[];
  memory: MemoryLimits | null;
}

/** What a module needs to start as a process. */
function checkCommand(module: WasmModule, path: string): void {
  const exports = WA.Module.exports(module);
  const has = (name: string, kind: string): boolean => exports.some((e) => e.name === name && e.kind === kind);
  if (!has('_start', 'function') || !has('memory', 'memory')) throw ExecError.formatError(path);
}

export class ModuleCache {
  private readonly entries = new Map<string, Promise<CompiledProgram>>();

  constructor(private readonly maxEntries = 64) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The compiled program for `bytes` (whose digest is `digest`), with its memory maximum
   * capped at `maxPages` when given. Throws ExecError ENOEXEC for bytes that do not
   * compile or are not a WASI command, and returns null when the module needs more
   * memory than the cap to start.
   */
  async get(digest: string, bytes: () => Uint8Array, path: string, maxPages?: number): Promise<CompiledProgram | null> {
    const key = maxPages === undefined ? digest : `${digest}@${maxPages}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    let src = bytes();
    let memory: MemoryLimits | null;
    try {
      memory = definedMemory(src);
      if (maxPages !== undefined) {
        const capped = capMemory(src, maxPages);
        if (!capped) return null;
        src = capped;
        memory = definedMemory(src);
      }
    } catch {
      throw ExecError.formatError(path);
    }
    const p = (async (): Promise<CompiledProgram> => {
      let module: WasmModule;
      try {
        module = await WA.compile(src);
      } catch {
        throw ExecError.formatError(path);
      }
      checkCommand(module, path);
      const applets = WA.Module.customSections(module, HOST_APPLETS_SECTION)
        .flatMap((b) => new TextDecoder().decode(new Uint8Array(b)).split(/[\n\0]/))
        .map((s) => s.trim())
        .filter(Boolean);
      return { module, applets, memory };
    })();
    this.entries.set(key, p);
    p.catch(() => this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }
}
