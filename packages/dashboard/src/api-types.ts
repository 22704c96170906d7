import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type {
  AGENT_API,
  caseDisclosure,
  disclosureRow,
  openedRow,
  overviewAnswer,
  PLATFORM_UI_API,
  ringGraph,
  ringNode,
} from './api-schemas.js';

/**
 * What the dashboard's servers answer and its browser app reads, derived by the compiler
 * from the JSON Schemas of the API's table (api-schemas.ts), which the agent serves as
 * its OpenAPI document and answers by: one source for the servers, the document and the
 * app. Types only (the app's bundle carries none of the schemas).
 */

/**
 * A schema's value, as a server writes it and the app reads it: read only, and without
 * the open index signature FromSchema adds where a schema allows more properties (the
 * servers write only those declared); a map's (`additionalProperties: {schema}`) stays.
 */
type Clean<T> = T extends readonly (infer U)[]
  ? readonly Clean<U>[]
  : T extends object
    ? {
        readonly [K in keyof T as string extends K ? (unknown extends T[K] ? never : K) : K]: Clean<
          T[K]
        >;
      }
    : T;
type Of<S> = S extends JSONSchema ? Clean<FromSchema<S>> : never;

/** Every route the app calls: the agent's, and the platform's own (under /ui). */
type Api = typeof AGENT_API & typeof PLATFORM_UI_API;
export type ApiRoute = keyof Api;

type Part<K extends ApiRoute, P extends string> = Api[K] extends { readonly [Q in P]: infer S }
  ? Of<S>
  : undefined;
/** What a route answers: its JSON, or the text of a route that `produces` another type. */
export type AnswerOf<K extends ApiRoute> = Api[K] extends { readonly response: infer S }
  ? Of<S>
  : string;
/** What a route takes: path parameters, query and body, as its schemas let them through. */
export type ParamsOf<K extends ApiRoute> = Part<K, 'params'>;
export type QueryOf<K extends ApiRoute> = Part<K, 'querystring'>;
export type BodyOf<K extends ApiRoute> = Part<K, 'body'>;

export type SessionInfo = AnswerOf<'GET /api/session'>;
export type CheckAnswer = IdentifierCheck['answer'];
export type IdentifierCheck = AnswerOf<'POST /api/check'>['checks'][number];
export type OverviewAnswer = Of<typeof overviewAnswer>;
/** Counts by the week (its Monday, YYYY-MM-DD) they fall in. */
export type Weekly = OverviewAnswer['reports']['weekly'];
export type RingSummary = AnswerOf<'GET /api/rings'>['rings'][number];
export type RingNode = Of<typeof ringNode>;
export type RingGraph = Of<typeof ringGraph>;
export type Campaign = AnswerOf<'GET /api/campaigns'>['campaigns'][number];
export type CaseView = AnswerOf<'GET /api/cases'>['cases'][number];
export type CaseDisclosure = Of<typeof caseDisclosure>;
export type OpenedRow = Of<typeof openedRow>;
export type DisclosureRow = Of<typeof disclosureRow>;
export type LogTrust = AnswerOf<'GET /api/log/trust'>;
export type MembersAnswer = AnswerOf<'GET /api/members'>;
export type HealthAnswer = AnswerOf<'GET /api/health'>;
