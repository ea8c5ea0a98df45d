/**
 * Routing of REST resources below `/services/data/vXX.X/`. Kept outside fastify so Composite can
 * route its subrequests through exactly the same table, and so a path that exists under another
 * method answers 405 as Salesforce does.
 */
import { SfApiError, SfRecordError, apiError, errorBody, notFound } from '../errors.js';
import type { ApiContext, ApiRequest, ApiResult, Handler, RouteTag } from './types.js';

interface Route {
  method: string;
  pattern: string[];
  handler: Handler;
  tag: RouteTag;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  tag: RouteTag;
}

export class ApiRouter {
  private readonly routes: Route[] = [];

  /** `path` like `sobjects/:sobject/:id`; earlier routes win, so register literals first. */
  add(method: string, path: string, handler: Handler, tag?: RouteTag): this {
    this.routes.push({ method, pattern: path === '' ? [] : path.split('/'), handler, tag });
    return this;
  }

  private matches(route: Route, segments: string[]): Record<string, string> | undefined {
    if (route.pattern.length !== segments.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const p = route.pattern[i] as string;
      const s = segments[i] as string;
      if (p.startsWith(':')) {
        if (s === '') return undefined;
        params[p.slice(1)] = s;
      } else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
    }
    return params;
  }

  resolve(method: string, segments: string[]): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = this.matches(route, segments);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params, tag: route.tag };
      if (!allowed.includes(route.method)) allowed.push(route.method);
    }
    if (allowed.length > 0) throw apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`);
    throw notFound();
  }

  /** Resolves and runs a request; errors become Salesforce error arrays. */
  dispatch(req: ApiRequest, ctx: ApiContext): ApiResult {
    try {
      const m = this.resolve(req.method, req.segments);
      return m.handler(req, m.params, ctx);
    } catch (err) {
      return errorResult(err);
    }
  }
}

export function errorResult(err: unknown): ApiResult {
  if (err instanceof SfApiError) return { status: err.status, body: errorBody(err.errors) };
  if (err instanceof SfRecordError) return { status: 400, body: errorBody([err.error]) };
  return {
    status: 500,
    body: errorBody([{ errorCode: 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred: ${err instanceof Error ? err.message : String(err)}` }]),
  };
}

/** Splits a raw path (without query) into decoded segments, dropping one trailing slash. */
export function splitPath(path: string): string[] {
  if (path === '' || path === '/') return [];
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return (trimmed.startsWith('/') ? trimmed.slice(1) : trimmed).split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}
