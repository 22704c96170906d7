import { join } from 'node:path';
import { recordSection } from './record.js';
import { analyticsSuite } from './suites/analytics.js';
import { appealsSuite } from './suites/appeals.js';
import { campaignsSuite } from './suites/campaigns.js';
import { casesSuite } from './suites/cases.js';
import { dashboardSuite } from './suites/dashboard.js';
import { filtersSuite } from './suites/filters.js';
import { only, root } from './suites/kit.js';
import { logSuite } from './suites/log.js';
import { oprfSuite } from './suites/oprf.js';
import { platformSuite } from './suites/platform.js';
import { exposuresSuite, qualitySuite } from './suites/quality.js';
import { scaleSuite } from './suites/scale.js';
import { sealingSuite } from './suites/sealing.js';
import { simulatorSuite } from './suites/simulator.js';
import { soakSuite } from './suites/soak.js';
import { startupSuite } from './suites/startup.js';
import { statisticsSuite } from './suites/statistics.js';
import { taxiiSuite } from './suites/taxii.js';

/**
 * `npm run bench`: runs the benchmark suites, prints their tables and records them in
 * BENCHMARKS.md. `npm run bench -- --quick` skips the long runs; `--suite=NAME` runs one.
 * The quality suite (`--suite=quality`) takes `--split dev` or `--split test` to run one
 * set of seeds; `--suite=campaigns` (issue 11's worlds) runs only when asked.
 */

const SUITES: readonly { name: string; run: () => string; onlyWhenAsked?: boolean }[] = [
  { name: 'simulator', run: simulatorSuite },
  { name: 'oprf', run: oprfSuite },
  { name: 'sealing', run: sealingSuite },
  { name: 'cases', run: casesSuite },
  { name: 'platform', run: platformSuite },
  { name: 'log', run: logSuite },
  { name: 'analytics', run: analyticsSuite },
  { name: 'startup', run: startupSuite },
  { name: 'dashboard', run: dashboardSuite },
  { name: 'filters', run: filtersSuite },
  { name: 'taxii', run: taxiiSuite },
  { name: 'scale', run: scaleSuite },
  { name: 'soak', run: soakSuite },
  { name: 'quality', run: qualitySuite },
  // Also the last section of the quality suite: alone when asked for.
  { name: 'statistics', run: statisticsSuite, onlyWhenAsked: true },
  { name: 'appeals', run: appealsSuite, onlyWhenAsked: true },
  { name: 'campaigns', run: campaignsSuite, onlyWhenAsked: true },
  { name: 'exposures', run: exposuresSuite, onlyWhenAsked: true },
];

if (only !== undefined && !SUITES.some((s) => s.name === only))
  throw new Error(`--suite= takes one of ${SUITES.map((s) => s.name).join(', ')}`);
const file = join(root, 'BENCHMARKS.md');
for (const suite of SUITES) {
  if (only === undefined ? suite.onlyWhenAsked === true : only !== suite.name) continue;
  const section = suite.run();
  console.log(`\n${section}`);
  recordSection(file, suite.name, section);
}
console.log(`\nRecorded in ${file}.`);
