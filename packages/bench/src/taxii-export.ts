import { statSync } from 'node:fs';
import { exportStix } from '@credence/member/stix-export';

/**
 * One `member export-stix` of the flagged tokens, in a process of its own so that its
 * peak resident memory is its own: `taxii-export.js <url> <credential> <out> [added_after]`.
 * Prints one JSON line.
 */
const [url = '', credential = '', out = '', addedAfter] = process.argv.slice(2);
const started = performance.now();
const done = await exportStix(
  { url, credential },
  { collection: 'flagged-tokens', out, ...(addedAfter === undefined ? {} : { addedAfter }) },
);
console.log(
  JSON.stringify({
    objects: done.objects,
    seconds: (performance.now() - started) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    fileBytes: statSync(out).size,
  }),
);
