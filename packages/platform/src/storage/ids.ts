import { randomBytes } from 'node:crypto';
import { encodeBase64url } from '@credence/core/encoding/base64url';

/** Report and link ids: a prefix and 96 random bits, unguessable and never reused. */
export const newId = (prefix: 'r' | 'l') => `${prefix}_${encodeBase64url(randomBytes(12))}`;
