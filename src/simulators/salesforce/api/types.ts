/**
 * The shapes shared by the REST resources. A resource handler sees a transport-free request, so
 * the same handler serves a direct HTTP call and a Composite subrequest.
 */
import type { SalesforceOrg } from '../org.js';
import type { CompiledQueryCache } from '../soql/compile.js';
import type { Transaction } from '../store.js';

export interface ApiRequest {
  method: string;
  /** Version served, e.g. `66.0`. */
  version: string;
  /** Decoded path segments after `/services/data/vXX.X/`. */
  segments: string[];
  query: Record<string, string | undefined>;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface ApiResult {
  status: number;
  /** Omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiContext {
  org: SalesforceOrg;
  tx: Transaction;
  /** The user the session belongs to. */
  actorId: string;
  queries: CompiledQueryCache;
  /** Runs another request in this context (Composite subrequests). */
  dispatch(req: ApiRequest, ctx: ApiContext): ApiResult;
}

export type Handler = (req: ApiRequest, params: Record<string, string>, ctx: ApiContext) => ApiResult;

/** The resource families Composite limits ("at most 5 query or collection operations"). */
export type RouteTag = 'query' | 'collection' | 'composite' | undefined;

export function sobjectUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}
