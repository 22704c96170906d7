import { readFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { createSecureContext } from 'node:tls';

/** Where a server's certificate chain and private key are (PEM files). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** A certificate chain and its private key, read and checked. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `there is no ${what} at ${file}`
        : `the ${what} ${file} cannot be read (${code ?? (error as Error).message})`,
    );
  }
}

/**
 * Reads a server's certificate chain and private key and checks that they are PEM and
 * belong together (OpenSSL's own check, the one the server would fail on later), so that
 * a wrong file is named when the server starts, not at the first connection.
 */
export function readTls(files: TlsFiles): TlsMaterial {
  const cert = readPem(files.certFile, 'TLS certificate');
  const key = readPem(files.keyFile, 'TLS private key');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const why = (error as Error).message;
    throw new Error(
      /mismatch/i.test(why)
        ? `the TLS private key ${files.keyFile} is not the key of the certificate ${files.certFile}`
        : `${files.certFile} and ${files.keyFile} are not a PEM certificate and its private key (${why})`,
    );
  }
  return { cert, key };
}

/**
 * The HTTPS server's certificate and key read again (a renewed certificate, on SIGHUP):
 * new connections get them, open ones keep theirs. A file that does not read or does not
 * match leaves the server as it was, and the error says why.
 */
export function reloadServerTls(app: { readonly server: unknown }, files?: TlsFiles): void {
  if (files === undefined)
    throw new Error('this server does not serve HTTPS (it was started without --tls-cert)');
  (app.server as Server).setSecureContext({ ...readTls(files) });
}
