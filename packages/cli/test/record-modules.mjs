// Preloaded (node --import) by the start-up test: records every module the command
// resolves, the CommonJS modules it required, and Node's built-in modules it loaded, in the file CREDENCE_TEST_MODULES
// names. The resolve hook runs on Node's hooks thread and appends there, synchronously,
// so that nothing is lost when the command exits.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.CREDENCE_TEST_MODULES;
if (file !== undefined) {
  writeFileSync(file, '');
  const hook = `
    import { appendFileSync } from 'node:fs';
    let file;
    export function initialize(data) { file = data.file; }
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(file, 'module ' + resolved.url + '\\n');
      return resolved;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { file } });
  process.on('exit', () => {
    appendFileSync(file, process.moduleLoadList.map((m) => `builtin ${m}\n`).join(''));
    // CommonJS modules (required, not imported) are in the require cache.
    const cache = createRequire(import.meta.url).cache;
    appendFileSync(
      file,
      Object.keys(cache)
        .map((f) => `cjs ${f}\n`)
        .join(''),
    );
  });
}
