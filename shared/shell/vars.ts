/**
 * Shell variables: values, export and readonly flags, and the scopes that `local` and
 * per-command assignments (`VAR=x cmd`) push and pop.
 */

export interface Variable {
  /** undefined: declared (export/readonly/local) but unset. */
  value: string | undefined;
  exported: boolean;
  readonly: boolean;
}

export class ReadonlyError extends Error {
  constructor(readonly varName: string) {
    super(`${varName}: is read only`);
  }
}

type Scope = Map<string, Variable | null>;

export class Vars {
  private map = new Map<string, Variable>();
  /** Saved outer definitions, innermost last; null records "did not exist". */
  private scopes: Scope[] = [];
  /** Set by `set -a`: every assignment exports. */
  allexport = false;

  get(name: string): string | undefined {
    return this.map.get(name)?.value;
  }

  lookup(name: string): Variable | undefined {
    return this.map.get(name);
  }

  set(name: string, value: string, flags: { export?: boolean } = {}): void {
    const v = this.map.get(name);
    if (v?.readonly) throw new ReadonlyError(name);
    if (v) {
      v.value = value;
      if (flags.export || this.allexport) v.exported = true;
    } else {
      this.map.set(name, { value, exported: !!flags.export || this.allexport, readonly: false });
    }
  }

  unset(name: string): void {
    const v = this.map.get(name);
    if (!v) return;
    if (v.readonly) throw new ReadonlyError(name);
    if (this.scopes.length && this.isLocal(name)) {
      // A local stays declared in its scope, so the outer value comes back on return.
      v.value = undefined;
      v.exported = false;
      return;
    }
    this.map.delete(name);
  }

  private isLocal(name: string): boolean {
    return this.scopes[this.scopes.length - 1]!.has(name);
  }

  setExported(name: string): void {
    const v = this.map.get(name);
    if (v) v.exported = true;
    else this.map.set(name, { value: undefined, exported: true, readonly: false });
  }

  setReadonly(name: string): void {
    const v = this.map.get(name);
    if (v) v.readonly = true;
    else this.map.set(name, { value: undefined, exported: false, readonly: true });
  }

  pushScope(): void {
    this.scopes.push(new Map());
  }

  popScope(): void {
    const scope = this.scopes.pop();
    if (!scope) return;
    for (const [name, saved] of scope) {
      if (saved) this.map.set(name, saved);
      else this.map.delete(name);
    }
  }

  get inScope(): boolean {
    return this.scopes.length > 0;
  }

  /**
   * Makes `name` local to the innermost scope: its current definition is restored when
   * the scope is popped. `local x` without a value leaves x unset, as ash does.
   */
  makeLocal(name: string, value: string | undefined, exported = false): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (!scope) return;
    const cur = this.map.get(name);
    if (!scope.has(name)) {
      scope.set(name, cur ? { ...cur } : null);
      if (cur?.readonly && value !== undefined) throw new ReadonlyError(name);
      this.map.set(name, { value: undefined, exported: exported || !!cur?.exported, readonly: false });
    }
    if (value !== undefined) this.set(name, value, { export: exported });
  }

  /** Name=value of every exported, set variable. */
  environ(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, v] of this.map) if (v.exported && v.value !== undefined) env[name] = v.value;
    return env;
  }

  entries(): [string, Variable][] {
    return [...this.map.entries()];
  }

  /** An independent copy for a subshell. */
  clone(): Vars {
    const c = new Vars();
    for (const [name, v] of this.map) c.map.set(name, { ...v });
    c.scopes = this.scopes.map((s) => new Map([...s].map(([k, v]) => [k, v && { ...v }])));
    c.allexport = this.allexport;
    return c;
  }
}
