/**
 * How to start a worker thread on a script beside the module that starts it (Node's
 * `new Worker(script, options)`). From built JavaScript the script is the sibling `.js`
 * file. From TypeScript source, as the tests run, it is the sibling `.ts` file, loaded by
 * a bootstrap that registers tsx's module hooks (a development dependency) and resolves
 * the workspace's packages by their "source" export condition: a worker runs the same
 * code as the thread that starts it, not an older build.
 *
 * Pure: it computes what to pass and starts nothing, so the core stays free of Node.
 */
export interface WorkerEntry {
  /** The script's URL, or the bootstrap's source text when `eval` is true. */
  readonly script: URL | string;
  readonly eval: boolean;
  /**
   * From source, the worker's own flags (none of the starting process's, a test
   * runner's); from JavaScript, undefined: the caller's choice (Node's default inherits).
   */
  readonly execArgv?: string[];
}

export function workerEntry(moduleUrl: string, name: string): WorkerEntry {
  if (!new URL(moduleUrl).pathname.endsWith('.ts'))
    return { script: new URL(`./${name}.js`, moduleUrl), eval: false };
  const target = JSON.stringify(new URL(`./${name}.ts`, moduleUrl).href);
  return {
    // tsx's ESM API, found through its package's exports (its loader entry registers on
    // the main thread only), registers its hooks in this thread; then the script loads.
    script: [
      `const target = ${target};`,
      "const load = require('node:module').createRequire(target);",
      "const tsx = load.resolve('tsx/package.json');",
      "const api = require('node:path').join(tsx, '..', load(tsx).exports['./esm/api'].import.default);",
      "import(require('node:url').pathToFileURL(api).href)",
      '  .then(({ register }) => register())',
      '  .then(() => import(target));',
    ].join('\n'),
    eval: true,
    execArgv: ['--conditions=source'],
  };
}
