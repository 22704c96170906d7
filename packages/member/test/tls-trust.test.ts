import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../src/http-client.js';
import { networkProblem } from '../src/network-errors.js';
import { readCaFile } from '../src/tls-trust.js';

/** The member side verifies servers' certificates, and trusts a consortium's own CA when told (issue 13 §5). */
const TLS = resolve(import.meta.dirname, '../../server-kit/test-data/tls');
const pem = (name: string) => readFileSync(join(TLS, name));

describe("member.json's caFile", () => {
  const dir = mkdtempSync(join(tmpdir(), 'credence-ca-'));
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer({ cert: pem('server.pem'), key: pem('server-key.pem') }, (_, res) =>
      res.end('{"ok":true}'),
    );
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads CA certificates, and names a file that is missing, holds none, or holds no CA', () => {
    expect(readCaFile(join(TLS, 'ca.pem'))).toHaveLength(1);
    const both = join(dir, 'both.pem');
    writeFileSync(both, Buffer.concat([pem('ca.pem'), pem('other-ca.pem')]));
    expect(readCaFile(both)).toHaveLength(2);
    expect(() => readCaFile(join(dir, 'nope.pem'))).toThrow('there is no such file');
    writeFileSync(join(dir, 'text.pem'), 'not a certificate');
    expect(() => readCaFile(join(dir, 'text.pem'))).toThrow('holds no PEM certificate');
    expect(() => readCaFile(join(TLS, 'server.pem'))).toThrow("is not a CA's");
    writeFileSync(
      join(dir, 'broken.pem'),
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    );
    expect(() => readCaFile(join(dir, 'broken.pem'))).toThrow('does not parse');
  });

  it('reaches a server whose certificate chains to the CA, and only then', async () => {
    const trusting = httpClient({ ca: readCaFile(join(TLS, 'ca.pem')) });
    expect(await (await trusting(url)).json()).toEqual({ ok: true });
    // The public roots alone, or another CA: refused, in words that say what to do.
    for (const untrusting of [
      httpClient(),
      httpClient({ ca: readCaFile(join(TLS, 'other-ca.pem')) }),
    ]) {
      const error = await untrusting(url).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeDefined();
      expect(networkProblem(error)).toContain(
        "signed by an authority this member does not trust: give that CA's certificate in member.json's caFile",
      );
    }
  });

  it('checks the host name as well: a trusted certificate for another name is refused', async () => {
    const trusting = httpClient({ ca: readCaFile(join(TLS, 'ca.pem')) });
    // The certificate names localhost and 127.0.0.1, not 127.0.0.2.
    const other = url.replace('127.0.0.1', '127.0.0.2');
    server.close();
    await new Promise<void>((done) => server.listen(Number(new URL(url).port), '0.0.0.0', done));
    const error = await trusting(other).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(networkProblem(error)).toContain('its certificate is for another name');
    expect(await (await trusting(url.replace('127.0.0.1', 'localhost'))).json()).toEqual({
      ok: true,
    });
  });
});
