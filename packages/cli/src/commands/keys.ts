import { join } from 'node:path';
import { generateKeySet, serializeGroupKey, serializeShareKey } from '@credence/core/oprf/key-set';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import type { Command } from 'commander';
import { existsSync, writeJson } from './files.js';
import { integer } from './parse.js';

export interface KeysInitResult {
  readonly keyId: string;
  readonly groupFile: string;
  readonly shareFiles: readonly string[];
}

/** Makes a fresh threshold key: group.json (public) and share-<i>.json (secret) per key server. */
export async function initKeys(
  out: string,
  threshold: number,
  shares: number,
  keyId?: string,
): Promise<KeysInitResult> {
  const groupFile = join(out, 'group.json');
  if (existsSync(groupFile))
    throw new Error(`${groupFile} exists: refusing to overwrite a key (choose another --out)`);
  const group = await loadRistretto255();
  const set = generateKeySet(group, {
    threshold,
    shares,
    createdAt: `${new Date().toISOString().slice(0, 19)}Z`,
    ...(keyId === undefined ? {} : { keyId }),
  });
  writeJson(groupFile, serializeGroupKey(set.group));
  const shareFiles = set.shares.map((share) => {
    const file = join(out, `share-${share.index}.json`);
    writeJson(file, serializeShareKey(share), true);
    return file;
  });
  return { keyId: set.group.keyId, groupFile, shareFiles };
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Threshold OPRF keys (operator).');
  keys
    .command('init')
    .description(
      'Make a new OPRF key split t-of-n: one share file per key server, and the public group key.',
    )
    .option('--threshold <t>', 'shares needed to evaluate', integer, 2)
    .option('--shares <n>', 'key servers (shares)', integer, 3)
    .option('--key-id <id>', 'key id (default: derived from the public key)')
    .requiredOption('--out <dir>', 'directory for group.json and share-<i>.json')
    .action(async (flags: { threshold: number; shares: number; keyId?: string; out: string }) => {
      const result = await initKeys(flags.out, flags.threshold, flags.shares, flags.keyId);
      console.log(`Key ${result.keyId}: ${flags.threshold}-of-${flags.shares}.`);
      console.log(`  ${result.groupFile}  public: give it to members and publish it`);
      for (const f of result.shareFiles)
        console.log(`  ${f}  secret: give it to one key server operator, and to no one else`);
    });
}
