/**
 * Composite (`POST /composite`): up to 25 subrequests in order, of which at most 5 are queries or
 * collections, answered with one `compositeResponse` item each. A later subrequest can use an
 * earlier result through `@{referenceId.path}` (`@{NewAccount.id}`,
 * `@{Q.records[0].Id}`) in its URL or body. With `allOrNone` the first failure rolls everything
 * back and every other subrequest reports PROCESSING_HALTED. The whole request is one API call.
 */
import { SfApiError, apiError, errorBody } from '../errors.js';
import { requireObjectBody } from './records.js';
import { splitPath, type ApiRouter } from './router.js';
import type { ApiContext, ApiRequest, ApiResult } from './types.js';

const MAX_SUBREQUESTS = 25;
const MAX_QUERY_OR_COLLECTION = 5;
const REFERENCE = /@\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;
const SUBREQUEST_URL = /^\/services\/data\/v(\d+\.\d+)(\/[^?]*)?(?:\?(.*))?$/;

interface SubRequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

interface CompositeItem {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const ROLLED_BACK_TEXT = 'The transaction was rolled back since another operation in the same transaction failed.';

function halted(referenceId: string, message = ROLLED_BACK_TEXT): CompositeItem {
  return { body: errorBody([{ errorCode: 'PROCESSING_HALTED', message }]), httpHeaders: {}, httpStatusCode: 400, referenceId };
}

class UnresolvedReference extends Error {}

/** Follows `.name` and `[n]` steps from a prior result body. */
function lookup(results: Map<string, ApiResult>, refId: string, path: string): unknown {
  const prior = results.get(refId);
  const fail = (): never => {
    throw new UnresolvedReference(
      `Invalid reference specified. No value for ${refId}${path} found in ${refId}. Provided referenceId ('${refId}') must be the referenceId of a previous successful subrequest.`,
    );
  };
  if (!prior || prior.status >= 400) return fail();
  let value: unknown = prior.body;
  for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    if (value === null || typeof value !== 'object') return fail();
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1);
    value = (value as Record<string | number, unknown>)[key];
  }
  if (value === undefined) return fail();
  return value;
}

function substituteText(text: string, results: Map<string, ApiResult>): string {
  return text.replace(REFERENCE, (_m, refId: string, path: string) => String(lookup(results, refId, path)));
}

/** A string that is exactly one reference takes the referenced value with its JSON type. */
function substituteValue(value: unknown, results: Map<string, ApiResult>): unknown {
  if (typeof value === 'string') {
    const whole = /^@\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}$/.exec(value);
    if (whole) return lookup(results, whole[1] as string, whole[2] as string);
    return substituteText(value, results);
  }
  if (Array.isArray(value)) return value.map((v) => substituteValue(v, results));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteValue(v, results)]));
  }
  return value;
}

// UNCONFIRMED: the codes and wording of Composite's request-level validation errors.
function validate(raw: unknown): SubRequest[] {
  if (!Array.isArray(raw) || raw.length === 0) throw apiError(400, 'INVALID_INPUT', 'compositeRequest must be a non-empty array');
  if (raw.length > MAX_SUBREQUESTS) throw apiError(400, 'LIMIT_EXCEEDED', `Maximum number of subrequests allowed is ${MAX_SUBREQUESTS}`);
  const seen = new Set<string>();
  let heavy = 0;
  return raw.map((item: unknown) => {
    const s = item as Partial<SubRequest> | null;
    if (!s || typeof s.method !== 'string' || typeof s.url !== 'string' || typeof s.referenceId !== 'string') {
      throw apiError(400, 'INVALID_INPUT', 'Each subrequest needs method, url and referenceId');
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(s.referenceId)) throw apiError(400, 'INVALID_INPUT', `Invalid referenceId: ${s.referenceId}`);
    if (seen.has(s.referenceId)) throw apiError(400, 'INVALID_INPUT', `Duplicate referenceId provided in the request: ${s.referenceId}`);
    seen.add(s.referenceId);
    const path = SUBREQUEST_URL.exec(s.url)?.[2] ?? '';
    if (/^\/(query|queryAll)(\/|$)|^\/composite\/sobjects/i.test(path)) heavy += 1;
    if (heavy > MAX_QUERY_OR_COLLECTION) {
      throw apiError(400, 'LIMIT_EXCEEDED', `Maximum number of query and sObject Collections subrequests allowed is ${MAX_QUERY_OR_COLLECTION}`);
    }
    return s as SubRequest;
  });
}

function toRequest(sub: SubRequest, url: string, body: unknown, served: string[]): ApiRequest {
  const m = SUBREQUEST_URL.exec(url);
  if (!m || !served.includes(m[1] as string)) throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  const segments = splitPath(m[2] ?? '');
  if (segments.length > 0 && (segments[0] as string).toLowerCase() === 'composite' && (segments[1] ?? '').toLowerCase() !== 'sobjects') {
    throw apiError(400, 'INVALID_INPUT', 'A composite subrequest cannot itself be a composite request');
  }
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(m[3] ?? '')) if (!(k in query)) query[k] = v;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(sub.httpHeaders ?? {})) headers[k.toLowerCase()] = String(v);
  return { method: sub.method.toUpperCase(), version: m[1] as string, segments, query, headers, body };
}

export function registerCompositeRoutes(router: ApiRouter): void {
  router.add(
    'POST',
    'composite',
    (req, _p, ctx) => {
      const body = requireObjectBody(req);
      const subs = validate(body.compositeRequest);
      const allOrNone = body.allOrNone === true;
      const results = new Map<string, ApiResult>();
      const items: CompositeItem[] = [];
      const mark = ctx.tx.mark();
      let failedAt = -1;
      for (let i = 0; i < subs.length; i++) {
        const sub = subs[i] as SubRequest;
        if (failedAt >= 0) {
          items.push(halted(sub.referenceId));
          continue;
        }
        let result: ApiResult;
        try {
          const url = substituteText(sub.url, results);
          const subBody = sub.body === undefined ? undefined : substituteValue(sub.body, results);
          // Without allOrNone each subrequest is its own transaction, committed as it completes.
          const subCtx: ApiContext = allOrNone ? ctx : { ...ctx, tx: ctx.org.store.begin(ctx.tx.source) };
          result = ctx.dispatch(toRequest(sub, url, subBody, ctx.org.config.apiVersions), subCtx);
          if (!allOrNone) subCtx.tx.commit();
        } catch (err) {
          if (err instanceof UnresolvedReference) {
            const item = halted(sub.referenceId, err.message);
            results.set(sub.referenceId, { status: 400, body: item.body });
            items.push(item);
            if (allOrNone) failedAt = i;
            continue;
          }
          if (err instanceof SfApiError) result = { status: err.status, body: errorBody(err.errors) };
          else throw err;
        }
        results.set(sub.referenceId, result);
        items.push({ body: result.status === 204 ? null : (result.body ?? null), httpHeaders: result.headers ?? {}, httpStatusCode: result.status, referenceId: sub.referenceId });
        if (allOrNone && result.status >= 400) failedAt = i;
      }
      if (failedAt >= 0) {
        ctx.tx.rollbackTo(mark);
        for (let i = 0; i < failedAt; i++) items[i] = halted((subs[i] as SubRequest).referenceId);
      }
      return { status: 200, body: { compositeResponse: items } };
    },
    'composite',
  );
}
