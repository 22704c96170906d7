import { rmSync } from 'node:fs';
import { resolveOptions } from '@credence/sim/options';
import { simulate } from '@credence/sim/simulate';

/**
 * One simulator run in a process of its own, so that its peak memory is its own:
 * `node sim-run.js <scale> <days> <outDir>` prints one JSON line of figures. The live
 * heap is sampled after every simulated day.
 */
const [scale = '1', days = '182', out = 'bench-world'] = process.argv.slice(2);
const started = performance.now();
let peakHeapMb = 0;
const summary = simulate(
  resolveOptions({ seed: 7, scale: Number(scale), days: Number(days) }),
  out,
  {
    onDay: () => {
      peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 2 ** 20);
    },
  },
);
const ms = performance.now() - started;
rmSync(out, { recursive: true, force: true });
console.log(
  JSON.stringify({
    ms,
    reports: summary.reports,
    links: summary.links,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb,
  }),
);
