/**
 * The part of the WebAssembly JavaScript API the runtime uses. Every host layerbox runs
 * on has it, but the core's compiler settings declare no host globals, so it is typed
 * here and looked up on globalThis.
 */
/** A compiled module (opaque; can be posted to a worker). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Module: {
    customSections(m: WasmModule, name: string): ArrayBuffer[];
    exports(m: WasmModule): Array<{ name: string; kind: string }>;
    imports(m: WasmModule): Array<{ module: string; name: string; kind: string }>;
  };
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  RuntimeError: new (...a: never[]) => Error;
  CompileError: new (...a: never[]) => Error;
  LinkError: new (...a: never[]) => Error;
}

export const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
