import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MemberError } from './member-error.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The CA certificates of member.json's `caFile` (PEM, one or more): the authorities that
 * signed the key servers' and the platform's certificates when they are not public ones
 * (a consortium's own CA). Each is parsed here, so that a wrong file is named when the
 * configuration is read rather than as a failed handshake later.
 */
export function readCaFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MemberError(
      'member.config',
      `caFile ${file} cannot be read (${code === 'ENOENT' ? 'there is no such file' : (code ?? (error as Error).message)})`,
      { field: 'caFile' },
    );
  }
  const pems = text.match(PEM_CERTIFICATE) ?? [];
  if (pems.length === 0)
    throw new MemberError('member.config', `caFile ${file} holds no PEM certificate`, {
      field: 'caFile',
    });
  for (const pem of pems) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch (error) {
      throw new MemberError(
        'member.config',
        `caFile ${file} holds a certificate that does not parse (${(error as Error).message})`,
        { field: 'caFile' },
      );
    }
    if (!certificate.ca)
      throw new MemberError(
        'member.config',
        `caFile ${file} holds a certificate that is not a CA's (${certificate.subject.replace(/\n/g, ', ')}): give the authority that signed the servers' certificates`,
        { field: 'caFile' },
      );
  }
  return pems;
}
