/**
 * What the core needs of its host and cannot do portably: load a CommonJS module or a
 * JSON file synchronously, by name. The core imports nothing from `node:` (it must load
 * in a browser too, where the log's and the OPRF's checks run): in Node it reaches the
 * module loader through `process.getBuiltinModule` (Node ≥ 20.16) when first asked; any
 * other host provides the modules it will need by name first (`provideModule`).
 */

const provided = new Map<string, unknown>();

/** Gives the core a module (or a parsed JSON file) under the name it asks for. */
export function provideModule(name: string, value: unknown): void {
  provided.set(name, value);
}

/** A host's module by its built-in name (Node's `process.getBuiltinModule`), if it has one. */
export function hostBuiltin(id: string): unknown {
  return (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.(id);
}

interface ModuleLoader {
  createRequire(from: string): (name: string) => unknown;
}

/** Loads a module or JSON file by name, resolved from `from` (a module's import.meta.url). */
export function hostRequire(name: string, from: string): unknown {
  if (provided.has(name)) return provided.get(name);
  const host = hostBuiltin('node:module') as ModuleLoader | undefined;
  if (host === undefined)
    throw new Error(
      `${name} is needed here: provide it with provideModule, as no loader is at hand`,
    );
  return host.createRequire(from)(name);
}
