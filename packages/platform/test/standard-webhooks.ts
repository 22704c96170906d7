import { createPublicKey, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * A receiver's checks of a delivery, as Standard Webhooks 1.0 has them, and written from
 * it, not from the platform's code: the `v1` signature with the Standard Webhooks project's
 * own JavaScript library (npm `standardwebhooks`) and the webhook's `whsec_` secret, and
 * the `v1a` signature with Node's Ed25519 and the platform's `whpk_` key, over
 * "<webhook-id>.<webhook-timestamp>.<body>". Each throws if the delivery does not verify.
 */
export function verifiedByLibrary(
  secret: string,
  delivery: { headers: Record<string, string | string[] | undefined>; body: string },
): unknown {
  return new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>);
}

export function verifiedAsymmetric(
  whpk: string,
  delivery: { headers: Record<string, string | string[] | undefined>; body: string },
): boolean {
  const header = (name: string) => String(delivery.headers[name] ?? '');
  const raw = Buffer.from(whpk.replace(/^whpk_/, ''), 'base64');
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  const content = Buffer.from(
    `${header('webhook-id')}.${header('webhook-timestamp')}.${delivery.body}`,
    'utf8',
  );
  return header('webhook-signature')
    .split(' ')
    .filter((s) => s.startsWith('v1a,'))
    .some((s) => verify(null, content, key, Buffer.from(s.slice('v1a,'.length), 'base64')));
}
