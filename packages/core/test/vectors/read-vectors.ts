import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { KnownAnswerData, MerkleVectors, OprfVectorSet } from './known-answers.js';

/** Reads the published vectors of test-data/ (their sources: test-data/README.md). */
export function readVectors(): KnownAnswerData {
  const root = new URL('../../test-data/', import.meta.url).pathname;
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory()
          ? files(join(dir, e.name))
          : e.name.endsWith('.json')
            ? [join(dir, e.name)]
            : [],
      )
      .sort();
  const read = <T>(dir: string) =>
    files(join(root, dir)).map((f) => ({
      ...(JSON.parse(readFileSync(f, 'utf8')) as T),
      file: relative(root, f),
    }));
  return {
    merkle: {
      inclusion: read<MerkleVectors['inclusion'][number]>('merkle/inclusion'),
      consistency: read<MerkleVectors['consistency'][number]>('merkle/consistency'),
    },
    oprf: JSON.parse(
      readFileSync(join(root, 'rfc9497/allVectors_v20.json'), 'utf8'),
    ) as OprfVectorSet[],
  };
}
