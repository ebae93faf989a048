import { WA, type WasmInstance, type WasmModule } from './wasm-api.ts';

type Imports = Record<string, Record<string, (...args: never[]) => unknown>>;

/**
 * An instance of a module made ahead, while a worker waits, for the next process that
 * runs the same program: instantiating (memory, data segments, import wrappers) is a
 * large part of a short process's start, and an idle worker has the time. Its imports
 * are trampolines to the process's own WASI host, bound when the process starts.
 */
export class SpareInstance {
  private target: Imports | undefined;

  private constructor(
    readonly key: string,
    readonly instance: WasmInstance,
    bindTo: (s: SpareInstance) => void,
  ) {
    bindTo(this);
  }

  /** Undefined when the module cannot be made ahead (imports other than functions, a start function that calls out). */
  static make(key: string, module: WasmModule): SpareInstance | undefined {
    let self: SpareInstance | undefined;
    const imports: Record<string, Record<string, unknown>> = {};
    for (const imp of WA.Module.imports(module)) {
      if (imp.kind !== 'function') return undefined;
      const { module: m, name } = imp;
      (imports[m] ??= {})[name] = (...a: never[]) => {
        const t = self?.target;
        if (!t) throw new Error(`${m}.${name} called before the process started`);
        return t[m]![name]!(...a);
      };
    }
    try {
      const instance = new WA.Instance(module, imports);
      return new SpareInstance(key, instance, (s) => (self = s));
    } catch {
      return undefined;
    }
  }

  /** Give the instance to a process: its calls go to `imports` from now on. */
  bind(imports: Imports): WasmInstance {
    this.target = imports;
    return this.instance;
  }
}
