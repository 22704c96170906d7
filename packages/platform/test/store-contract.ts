import { afterEach, beforeEach, describe } from 'vitest';
import { describeAlerts, describeWebhookDeliveries } from './store-contract-alerts.js';
import {
  describeAnalysisInputs,
  describeAnalysisRuns,
  describePolicies,
  describeWebSessions,
} from './store-contract-analysis.js';
import {
  describeIngestion,
  describeRestart,
  describeTokenStatistics,
} from './store-contract-contributions.js';
import { type StoreHarness, type StoreUnderTest, T0 } from './store-contract-fixtures.js';
import { describeLogGrowth, describeLogWrites } from './store-contract-log.js';
import {
  describeEnrolment,
  describeMembersAndKeys,
  describeMemberVersion,
  describeRacesAndRotation,
} from './store-contract-members.js';
import { describeOutcomes } from './store-contract-outcomes.js';

export type { StoreHarness } from './store-contract-fixtures.js';

/**
 * The storage contract, run against each Store adapter: each test on a fresh store with
 * three members, the themes in the order the contract was written in.
 */
export function storeContract(name: string, harness: () => StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    const subject = {} as StoreUnderTest;

    beforeEach(async () => {
      subject.harness = harness();
      subject.store = await subject.harness.open();
      await subject.store.migrate();
      for (const id of ['bank-a', 'bank-b', 'telecom-a'])
        await subject.store.createMember({
          id,
          name: id,
          type: id.startsWith('bank') ? 'bank' : 'telecom',
          createdAt: T0,
        });
    });

    afterEach(async () => {
      await subject.store.close();
      await subject.harness.cleanup();
    });

    describeMembersAndKeys(subject);
    describeEnrolment(subject);
    describeRacesAndRotation(subject);
    describeMemberVersion(subject);
    describeIngestion(subject);
    describeTokenStatistics(subject);
    describeAlerts(subject);
    describeAnalysisInputs(subject);
    describeAnalysisRuns(subject);
    describeWebhookDeliveries(subject);
    describePolicies(subject);
    describeWebSessions(subject);
    describeRestart(subject);
    describeLogWrites(subject);
    describeLogGrowth(subject);
    describeOutcomes(subject);
  });
}
