import { expect, it } from 'vitest';
import { batch, link, report, type StoreUnderTest, T0, tok } from './store-contract-fixtures.js';

/**
 * The storage contract (store-contract.ts) for what watchers are told: alerts, and
 * the webhook deliveries they queue.
 */

/** Alerts for the members watching a token another member's contribution touches. */
export function describeAlerts(subject: StoreUnderTest) {
  it("alerts the members watching a token when another member's report or link touches it", async () => {
    expect(
      await subject.store.addWatch(
        'bank-b',
        [
          { token: tok(1), kind: 'phone', keyId: 'k1' },
          { token: tok(9), kind: 'phone', keyId: 'k1' },
        ],
        T0,
      ),
    ).toBe(2);
    expect(
      await subject.store.addWatch('bank-b', [{ token: tok(1), kind: 'phone', keyId: 'k1' }], T0),
    ).toBe(0);
    await subject.store.addWatch('bank-a', [{ token: tok(1), kind: 'phone', keyId: 'k1' }], T0);
    const r = await subject.store.ingestReports(batch('bank-a', 'reports', 1), [
      report('r1', [1, 2], { type: 'confirmed_fraud', category: 'romance', contentHash: 'z' }),
    ]);
    expect(r.alerts).toBe(1);
    const own = await subject.store.listAlerts('bank-a', undefined, 10);
    expect(own).toEqual([]);
    const [first] = await subject.store.listAlerts('bank-b', undefined, 10);
    expect(first).toMatchObject({
      token: tok(1),
      kind: 'phone',
      source: 'report',
      reportType: 'confirmed_fraud',
      category: 'romance',
      occurredAt: T0,
    });
    const l = await subject.store.ingestLinks(batch('telecom-a', 'links', 2), [
      link(9, 7),
      link(9, 7),
    ]);
    expect(l.outcomes.map((o) => o.status)).toEqual(['accepted', 'duplicate']);
    const after = await subject.store.listAlerts(
      'bank-b',
      first === undefined ? undefined : { seq: first.seq, id: first.id },
      10,
    );
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ token: tok(9), source: 'link', linkType: 'call' });
    expect(await subject.store.removeWatch('bank-b', [tok(9)])).toBe(1);
    expect((await subject.store.listWatch('bank-b', undefined, 10)).map((w) => w.token)).toEqual([
      tok(1),
    ]);
  });
}

/** Webhook deliveries queued for watchers and leased to one claimant. */
export function describeWebhookDeliveries(subject: StoreUnderTest) {
  it('queues webhook deliveries for watchers with a webhook and leases them to one claimant', async () => {
    await subject.store.addWatch('bank-b', [{ token: tok(1), kind: 'phone', keyId: 'k1' }], T0);
    await subject.store.setWebhook('bank-b', 'https://bank-b.example/hook', 'nonce-1', T0);
    expect(await subject.store.getWebhook('bank-b')).toEqual({
      url: 'https://bank-b.example/hook',
      secretNonce: 'nonce-1',
    });
    await subject.store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1])]);
    const claimed = await subject.store.claimDeliveries(T0 + 1000, 30_000, 10);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({
      memberId: 'bank-b',
      url: 'https://bank-b.example/hook',
      secretNonce: 'nonce-1',
      attempts: 0,
    });
    expect(await subject.store.claimDeliveries(T0 + 1000, 30_000, 10)).toEqual([]);
    const alertId = claimed[0]?.alert.id ?? 0;
    await subject.store.deliveryFailed(alertId, T0 + 2000, 'connection refused');
    const retry = await subject.store.claimDeliveries(T0 + 2000, 30_000, 10);
    expect(retry[0]?.attempts).toBe(1);
    await subject.store.deliveryDone(alertId, T0 + 3000);
    expect(await subject.store.claimDeliveries(T0 + 100_000, 30_000, 10)).toEqual([]);
    expect(await subject.store.deleteWebhook('bank-b')).toBe(true);
  });
}
