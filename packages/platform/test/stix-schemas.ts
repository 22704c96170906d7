import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * The OASIS STIX 2.1 JSON Schemas (test-data/stix2, see its README), compiled once: every
 * object the platform exports is held to its type's schema (and an extension definition
 * to its own, which the bundle's schema does not list), and a bundle to the bundle's.
 */
const ROOT = join(import.meta.dirname, '..', 'test-data', 'stix2', 'schemas');
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: true });
addFormats.default(ajv);
// ajv-formats has no idn-hostname; only domain-name objects use it, and none is exported.
ajv.addFormat('idn-hostname', true);
for (const folder of readdirSync(ROOT))
  for (const file of readdirSync(join(ROOT, folder)))
    ajv.addSchema(JSON.parse(readFileSync(join(ROOT, folder, file), 'utf8')) as object);

const FOLDER: Readonly<Record<string, string>> = {
  identity: 'sdos',
  indicator: 'sdos',
  infrastructure: 'sdos',
  campaign: 'sdos',
  relationship: 'sros',
  'extension-definition': 'common',
};

function check(schema: string, value: unknown): string[] {
  const validate = ajv.getSchema(`${BASE}${schema}`);
  if (validate === undefined) throw new Error(`no schema ${schema}`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
}

/** What the schemas say is wrong with a STIX object (none: it passes). */
export function stixObjectErrors(object: { type: string } & Record<string, unknown>): string[] {
  // The token's observable type is a custom one: held to what every observable is.
  if (object.type === 'x-credence-token') return check('common/cyber-observable-core.json', object);
  const folder = FOLDER[object.type];
  if (folder === undefined) throw new Error(`no schema for ${object.type} here`);
  return check(`${folder}/${object.type}.json`, object);
}

/**
 * What the schemas say is wrong with a bundle, and with each object in it. The bundle's
 * schema lists the types a bundle holds and takes any other for a custom object, which
 * must then match exactly one of the common cores; it does not list
 * `extension-definition` (nor grouping, location, note, opinion, incident), which
 * match both, so no bundle holding one passes it (`bundleSchemaGap` shows this). Such
 * objects are held to their own schemas here, and the bundle's to the rest of it.
 */
export function stixBundleErrors(bundle: {
  type: string;
  id: string;
  objects?: readonly { type: string }[];
}): string[] {
  const objects = bundle.objects ?? [];
  const listed = objects.filter((o) => !UNLISTED.has(o.type));
  return [
    ...check('common/bundle.json', { ...bundle, objects: listed }),
    ...objects.flatMap((o, i) => stixObjectErrors(o).map((e) => `objects[${i}] (${o.type}): ${e}`)),
  ];
}

/** The types the bundle's schema leaves out (see stixBundleErrors). */
const UNLISTED = new Set([
  'extension-definition',
  'grouping',
  'location',
  'note',
  'opinion',
  'incident',
]);

/** What the bundle's schema alone says of a bundle (to show its gap, in a test). */
export const bundleSchemaErrors = (bundle: unknown): string[] =>
  check('common/bundle.json', bundle);
