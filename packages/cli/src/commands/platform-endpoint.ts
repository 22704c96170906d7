import { dirname, resolve } from 'node:path';
import { httpClient } from '@credence/member/http-client';
import type { PlatformEndpoint } from '@credence/member/platform-client';
import { readCaFile } from '@credence/member/tls-trust';
import { Option } from 'commander';
import { readJson } from './files.js';

/**
 * Where the log is and the credential to read it: --config (a JSON file with url and
 * credential, like the operator's), else --log with --credential or CREDENCE_CREDENTIAL
 * (which keeps it out of process lists).
 */
export function endpoint(
  flags: {
    config?: string;
    log?: string;
    credential?: string;
  },
  urlFlag = '--log',
): PlatformEndpoint {
  if (flags.config !== undefined) {
    const json = readJson(flags.config) as Partial<PlatformEndpoint> & {
      platform?: Partial<PlatformEndpoint>;
      caFile?: unknown;
    };
    // The operator's file holds url and credential; a member's config, under "platform".
    const file = json.platform ?? json;
    if (typeof file.url !== 'string' || typeof file.credential !== 'string')
      throw new Error(`${flags.config} must hold "url" and "credential"`);
    // Either may name the CA of the platform's certificate (caFile, beside the file).
    if (json.caFile !== undefined && typeof json.caFile !== 'string')
      throw new Error(`${flags.config}: caFile must name a PEM file of CA certificates`);
    return {
      url: flags.log ?? file.url,
      credential: flags.credential ?? file.credential,
      ...(json.caFile === undefined
        ? {}
        : { http: httpClient({ ca: readCaFile(resolve(dirname(flags.config), json.caFile)) }) }),
    };
  }
  if (flags.log === undefined)
    throw new Error(
      `which platform? give ${urlFlag} <url> with --credential (or CREDENCE_CREDENTIAL), or --config with a member.json or the operator's file`,
    );
  const token = flags.credential ?? process.env.CREDENCE_CREDENTIAL;
  if (token === undefined || token.length === 0)
    throw new Error('give a credential: --credential or CREDENCE_CREDENTIAL');
  return { url: flags.log, credential: token };
}

export const credentialOption = () =>
  new Option('--credential <token>', 'bearer credential (default: $CREDENCE_CREDENTIAL)');
