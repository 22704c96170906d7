import { dirname, isAbsolute, resolve } from 'node:path';
import type { TlsFiles } from '@credence/server-kit/tls';
import { type Command, InvalidArgumentError, type Option } from 'commander';
import { readJson } from './files.js';

/** How a server command's options read from a configuration file. */
export interface ConfigFileRules {
  /** Options that name files: a relative path in the file is relative to the file's folder. */
  readonly paths?: readonly string[];
  /** Repeatable options: a list in the file (["…", "…"]) gives each in turn. */
  readonly lists?: readonly string[];
}

/**
 * `--config FILE` for a server command (`serve`, `keyserver`): a JSON object keyed by the
 * command's option names as its flags spell them (`{"port": 8443, "tls-cert": "…"}`), each
 * value read by the option's own parser, as if it had been given as a flag. A flag given
 * on the command line wins over the file; the file wins over the defaults. A key that is
 * not an option, a value of the wrong type or one the option refuses is a usage error
 * naming the file and the key, and nothing starts.
 */
export function withConfigFile(command: Command, rules: ConfigFileRules = {}): Command {
  command.option(
    '--config <file>',
    'read options from a JSON file keyed by flag name ({"port": 8443, "tls-cert": "cert.pem"}); relative paths in it are relative to its folder, and flags given here win',
  );
  command.hook('preAction', (self, action) => {
    if (action !== self) return; // a subcommand's own action (keyserver credential)
    const file = self.getOptionValue('config') as string | undefined;
    if (file !== undefined) applyConfigFile(self, file, rules);
  });
  return command;
}

/** The configuration file as a JSON object; anything else is a usage error naming it. */
function readConfig(self: Command, file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = readJson(file);
  } catch (error) {
    self.error(`error: --config ${(error as Error).message}`, { code: 'credence.config' });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    self.error(`error: --config ${file} must hold a JSON object keyed by option name`, {
      code: 'credence.config',
    });
  return json as Record<string, unknown>;
}

export function applyConfigFile(self: Command, file: string, rules: ConfigFileRules): void {
  const json = readConfig(self, file);
  const folder = dirname(resolve(file));
  const fail = (key: string, why: string): never =>
    self.error(`error: --config ${file}: "${key}" ${why}`, { code: 'credence.config' });
  for (const [key, value] of Object.entries(json)) {
    const option = self.options.find((o) => o.long === `--${key}`);
    if (option === undefined || key === 'config' || key === 'help' || key === 'version')
      fail(key, `is not an option of credence ${self.name()} (see credence ${self.name()} --help)`);
    const name = (option as Option).attributeName();
    const source = self.getOptionValueSource(name);
    if (source === 'cli' || source === 'env') continue; // the command line wins
    const repeatable = rules.lists?.includes(key) === true;
    if (Array.isArray(value) && !repeatable) fail(key, 'takes one value, not a list');
    const values: unknown[] = Array.isArray(value) ? value : [value];
    let parsed: unknown;
    for (const one of values) {
      if (typeof one !== 'string' && typeof one !== 'number')
        fail(key, 'must be a string or a number');
      let text = String(one);
      if (rules.paths?.includes(key) === true && !isAbsolute(text) && !/^[a-z]+:\/\//i.test(text))
        text = resolve(folder, text);
      try {
        parsed = (option as Option).parseArg?.(text, parsed as never) ?? text;
      } catch (error) {
        if (error instanceof InvalidArgumentError) fail(key, `is not valid: ${error.message}`);
        throw error;
      }
    }
    self.setOptionValueWithSource(name, parsed, 'config');
  }
}

/** `--tls-cert` and `--tls-key`: a server command serves HTTPS when given both. */
export function withTls(command: Command): Command {
  return command
    .option(
      '--tls-cert <file>',
      'serve HTTPS with this certificate chain (PEM, the server certificate first); with --tls-key. SIGHUP reads both again (a renewal)',
    )
    .option('--tls-key <file>', 'the private key (PEM) of --tls-cert');
}

/** The TLS files of --tls-cert and --tls-key: both, or neither (plain HTTP, behind a proxy). */
export function tlsFilesOf(flags: {
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}): TlsFiles | undefined {
  if (flags.tlsCert === undefined && flags.tlsKey === undefined) return undefined;
  if (flags.tlsCert === undefined || flags.tlsKey === undefined)
    throw new InvalidArgumentError(
      `${flags.tlsCert === undefined ? '--tls-key' : '--tls-cert'} needs ${flags.tlsCert === undefined ? '--tls-cert' : '--tls-key'} too: HTTPS takes a certificate and its private key`,
    );
  return { certFile: flags.tlsCert, keyFile: flags.tlsKey };
}

/**
 * A running server's lifecycle as a process: SIGINT and SIGTERM close it and end the
 * process; SIGHUP reads its TLS certificate and key again (a renewed certificate), saying
 * on stderr whether that worked: a failed reload leaves the old certificate serving.
 */
export function runAsProcess(server: { close(): Promise<void>; reloadTls(): void }): void {
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.on('SIGHUP', () => {
    try {
      server.reloadTls();
      process.stderr.write('TLS certificate and key read again\n');
    } catch (error) {
      process.stderr.write(
        `TLS certificate and key not reloaded, the old ones still serve: ${(error as Error).message}\n`,
      );
    }
  });
}
