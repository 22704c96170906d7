import { hostRequire } from '../host.js';

/**
 * A CommonJS library loaded at its first use instead of when the module is: tldts's
 * public suffix table and ibantools' country table take tens of milliseconds to load,
 * which a command that never meets a domain or an IBAN (`member check` of a phone
 * number) should not pay at start (issue 13 §6). Loaded through the host (host.ts).
 */
export function lazyLibrary<T>(name: string): () => T {
  let library: T | undefined;
  return () => {
    library ??= hostRequire(name, import.meta.url) as T;
    return library;
  };
}
