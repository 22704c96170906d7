/**
 * JSON Schemas of the API (draft 2020-12 subset that Fastify's Ajv and OpenAPI 3.1
 * share). Every input is closed (no unknown fields); every response is shaped by its
 * schema, so nothing else can leak into it.
 */
export * from './schemas/analysis.js';
export * from './schemas/appeals.js';
export * from './schemas/audit.js';
export * from './schemas/cases.js';
export * from './schemas/checks.js';
export * from './schemas/common.js';
export * from './schemas/contributions.js';
export * from './schemas/exposures.js';
export * from './schemas/log.js';
export * from './schemas/members.js';
export * from './schemas/outcomes.js';
export * from './schemas/platform.js';
export * from './schemas/statistics.js';
export * from './schemas/ui.js';
export * from './schemas/watch.js';
