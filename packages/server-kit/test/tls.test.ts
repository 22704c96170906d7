import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTls } from '../src/tls.js';

/** A server's certificate and key are checked when it starts, each wrong file named (issue 13 §5). */
const TLS = resolve(import.meta.dirname, '../test-data/tls');
const files = (cert: string, key: string) => ({ certFile: cert, keyFile: key });

describe('readTls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credence-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a certificate and its key', () => {
    const tls = readTls(files(join(TLS, 'server.pem'), join(TLS, 'server-key.pem')));
    expect(tls.cert.equals(readFileSync(join(TLS, 'server.pem')))).toBe(true);
  });

  it('names a missing file, a key of another certificate, and what is not PEM', () => {
    expect(() => readTls(files(join(dir, 'no.pem'), join(TLS, 'server-key.pem')))).toThrow(
      `there is no TLS certificate at ${join(dir, 'no.pem')}`,
    );
    expect(() => readTls(files(join(TLS, 'server.pem'), join(dir, 'no.pem')))).toThrow(
      'there is no TLS private key at',
    );
    expect(() =>
      readTls(files(join(TLS, 'server.pem'), join(TLS, 'server-renewed-key.pem'))),
    ).toThrow('is not the key of the certificate');
    writeFileSync(join(dir, 'garbage.pem'), 'hello');
    expect(() => readTls(files(join(dir, 'garbage.pem'), join(TLS, 'server-key.pem')))).toThrow(
      'are not a PEM certificate and its private key',
    );
    // The key file's contents never appear in what is said.
    try {
      readTls(files(join(dir, 'garbage.pem'), join(TLS, 'server-key.pem')));
    } catch (error) {
      expect((error as Error).message).not.toContain('PRIVATE KEY');
    }
  });
});
