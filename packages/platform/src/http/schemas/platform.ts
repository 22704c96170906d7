import { TOKEN } from './common.js';

/** The platform's description and its policy (routes/platform.ts). */

export const platformAnswer = {
  type: 'object',
  required: [
    'name',
    'apiVersion',
    'webhookPublicKey',
    'webhookVerificationKey',
    'webhookSignature',
  ],
  properties: {
    name: { type: 'string' },
    apiVersion: { type: 'string' },
    webhookPublicKey: { ...TOKEN, description: 'the Ed25519 public key, raw, base64url' },
    webhookVerificationKey: {
      type: 'string',
      pattern: '^whpk_[A-Za-z0-9+/]{43}=$',
      description:
        'the same key as Standard Webhooks writes it: verifies the v1a signature of every delivery',
    },
    webhookSignature: { type: 'string' },
  },
} as const;

export const policyAnswer = {
  type: 'object',
  required: ['version', 'policy'],
  properties: {
    version: { type: 'integer' },
    policy: {
      type: 'object',
      additionalProperties: true,
      description: 'weights, halfLifeDays, thresholds, ageFloor (docs/platform.md, "Risk policy")',
    },
  },
} as const;

export const policyVersionAnswer = {
  type: 'object',
  required: ['version'],
  properties: { version: { type: 'integer' } },
} as const;
