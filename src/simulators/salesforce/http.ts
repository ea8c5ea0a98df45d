/**
 * The HTTP face of the REST API: `/services/data/` and everything below it. Each call is checked
 * for a session, charged to the daily budget (Composite included: one call however many
 * subrequests), routed, committed as one transaction, and answered with `Sforce-Limit-Info`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../kit/tokens.js';
import type { SimulatorKit } from '../kit/server.js';
import { ApiRouter, errorResult, splitPath } from './api/router.js';
import { registerCollectionRoutes } from './api/collections.js';
import { registerCompositeRoutes } from './api/composite.js';
import { registerQueryRoutes } from './api/query.js';
import { registerResourceRoutes, versionList } from './api/resources.js';
import { registerSObjectRoutes } from './api/sobjects.js';
import type { ApiContext, ApiRequest, ApiResult } from './api/types.js';
import { LIMIT_EXCEEDED, SESSION_INVALID, errorBody, notFound } from './errors.js';
import type { SalesforceOrg } from './org.js';
import { restChangeOrigin } from './pubsub/capture.js';
import { CompiledQueryCache } from './soql/compile.js';

export function buildRouter(): ApiRouter {
  const router = new ApiRouter();
  registerResourceRoutes(router);
  registerSObjectRoutes(router);
  registerCollectionRoutes(router);
  registerCompositeRoutes(router);
  registerQueryRoutes(router);
  return router;
}

const PREFIX = '/services/data/';

function send(reply: FastifyReply, org: SalesforceOrg, result: ApiResult): FastifyReply {
  reply.code(result.status).header('Sforce-Limit-Info', org.limitInfo());
  if (result.headers) reply.headers(result.headers);
  if (result.status === 204 || result.body === undefined) return reply.send();
  return reply.send(result.body);
}

export function sessionInvalid(reply: FastifyReply): FastifyReply {
  return reply.code(401).header('WWW-Authenticate', 'Token').send(errorBody([SESSION_INVALID]));
}

function flatten(obj: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((obj ?? {}) as Record<string, unknown>)) {
    out[k] = Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  }
  return out;
}

export function registerRestApi(app: FastifyInstance, kit: SimulatorKit, org: SalesforceOrg): void {
  const router = buildRouter();
  const queries = new CompiledQueryCache();
  const dispatch = (req: ApiRequest, ctx: ApiContext): ApiResult => router.dispatch(req, ctx);

  const versions = async (_req: FastifyRequest, reply: FastifyReply) => reply.send(versionList(org.config.apiVersions));
  app.get('/services/data', versions);
  app.get('/services/data/', versions);

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rest = path.slice(PREFIX.length);
    const slash = rest.indexOf('/');
    const versionSegment = slash < 0 ? rest : rest.slice(0, slash);
    const version = versionSegment.startsWith('v') ? versionSegment.slice(1) : '';
    if (!org.config.apiVersions.includes(version)) return send(reply, org, errorResult(notFound()));

    const check = kit.tokens.check(bearerToken(request.headers.authorization));
    if (!check.ok) return sessionInvalid(reply.header('Sforce-Limit-Info', org.limitInfo()));
    if (!org.budget.tryTake(1)) return send(reply, org, { status: 403, body: errorBody([LIMIT_EXCEEDED]) });

    const req: ApiRequest = {
      method: request.method,
      version,
      segments: splitPath(slash < 0 ? '' : rest.slice(slash)),
      query: flatten(request.query),
      headers: request.headers as Record<string, string | undefined>,
      body: request.body,
    };
    const source = { origin: restChangeOrigin(version, req.headers['sforce-call-options']), userId: org.config.userId };
    const ctx: ApiContext = { org, tx: org.store.begin(source), actorId: org.config.userId, queries, dispatch };
    const result = dispatch(req, ctx);
    ctx.tx.commit();
    return send(reply, org, result);
  };
  const methods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
  app.route({ method: [...methods], url: '/services/data/:version', handler: handle });
  app.route({ method: [...methods], url: '/services/data/:version/*', handler: handle });
}
