/**
 * Composio admin routes (outside the API: no key, no rate limit, no faults):
 * - `GET /__admin/state` accounts by status, executions, rate-limit usage
 * - `GET /__admin/executions?tool=&connected_account_id=&correlation_id=&outcome=` the execution log;
 *   `DELETE /__admin/executions` empties it
 * - `POST /__admin/connected_accounts` adds an account (a `ConnectedAccountConfig`)
 * - `GET /__admin/connected_accounts/{id}` an account, deleted ones included
 * - `PATCH /__admin/connected_accounts/{id}` `{status?, statusReason?, credentials?}`, e.g. expire it
 * - `GET|POST /__admin/connected_accounts/{id}/authorize` `{credentials?}` the user completing a
 *   re-authorization started by `refresh`: the account becomes ACTIVE
 */
import type { FastifyInstance } from 'fastify';
import { accountView, isStatus, type StoredAccount } from './accounts.js';
import type { ConnectedAccountConfig, ProviderCredentials } from './config.js';
import type { ComposioContext } from './context.js';
import { badRequest, connectedAccountNotFound } from './errors.js';

function rawAccount(ctx: ComposioContext, id: string): StoredAccount {
  const a = ctx.accounts.raw(id);
  if (!a) throw connectedAccountNotFound(id);
  return a;
}

function credentialsPatch(body: unknown): ProviderCredentials | undefined {
  const c = (body as { credentials?: unknown } | undefined)?.credentials;
  if (c === undefined) return undefined;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw badRequest('credentials must be an object');
  return c as ProviderCredentials;
}

export function registerAdminRoutes(app: FastifyInstance, ctx: ComposioContext): void {
  app.get('/__admin/state', async () => {
    const byStatus: Record<string, number> = {};
    for (const a of ctx.accounts.all()) if (!a.deleted) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    return {
      accounts: byStatus,
      executions: ctx.executions.records.length,
      rateLimit: { limit: ctx.limiter.window.limit, remaining: ctx.limiter.window.remaining() },
    };
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/__admin/executions', async (req) => {
    const q = req.query;
    return {
      executions: ctx.executions.query({
        ...(q.tool ? { tool: q.tool } : {}),
        ...(q.connected_account_id ? { connectedAccountId: q.connected_account_id } : {}),
        ...(q.correlation_id ? { correlationId: q.correlation_id } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
      }),
    };
  });

  app.delete('/__admin/executions', async (_req, reply) => {
    ctx.executions.clear();
    return reply.code(204).send();
  });

  app.post('/__admin/connected_accounts', async (req, reply) => {
    const body = req.body as ConnectedAccountConfig | undefined;
    if (!body || typeof body !== 'object') throw badRequest('Body must be a connected account');
    return reply.code(201).send(accountView(ctx.accounts.add(body)));
  });

  app.get<{ Params: { id: string } }>('/__admin/connected_accounts/:id', async (req) => {
    const a = rawAccount(ctx, req.params.id);
    return { ...accountView(a), deleted: a.deleted };
  });

  app.patch<{ Params: { id: string } }>('/__admin/connected_accounts/:id', async (req) => {
    const a = rawAccount(ctx, req.params.id);
    const body = (req.body ?? {}) as { status?: unknown; statusReason?: unknown };
    const credentials = credentialsPatch(req.body);
    if (body.status !== undefined && !isStatus(body.status)) throw badRequest(`Unknown status ${String(body.status)}`);
    if (body.statusReason !== undefined && body.statusReason !== null && typeof body.statusReason !== 'string') throw badRequest('statusReason must be a string');
    if (credentials) a.credentials = { ...a.credentials, ...credentials };
    if (isStatus(body.status)) ctx.accounts.setStatus(a, body.status, (body.statusReason as string | null | undefined) ?? null);
    else ctx.accounts.touch(a);
    return accountView(a);
  });

  const authorize = async (req: { params: { id: string }; body?: unknown }) => {
    const a = rawAccount(ctx, req.params.id);
    const credentials = credentialsPatch(req.body);
    if (credentials) a.credentials = { ...a.credentials, ...credentials };
    ctx.accounts.setStatus(a, 'ACTIVE');
    return accountView(a);
  };
  app.get<{ Params: { id: string } }>('/__admin/connected_accounts/:id/authorize', authorize);
  app.post<{ Params: { id: string } }>('/__admin/connected_accounts/:id/authorize', authorize);
}
