import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import type { Command } from 'commander';
import { regionOption } from './parse.js';

export function registerNormalize(program: Command): void {
  program
    .command('normalize')
    .description(
      'Normalize and validate one identifier, as the member side does before tokenizing it.',
    )
    .argument('<kind>', `one of: ${IDENTIFIER_KINDS.join(', ')}`)
    .argument('<value>', 'the raw value')
    .addOption(regionOption())
    .action((kind: string, value: string, flags: { region: PhoneRegion }) => {
      const result = tryNormalizeIdentifier(kind, value, { phoneRegion: flags.region });
      if (!result.ok) {
        console.error(`${result.error.code}: ${result.error.message}`);
        process.exitCode = 1;
        return;
      }
      console.log(JSON.stringify(result.identifier));
    });
}
