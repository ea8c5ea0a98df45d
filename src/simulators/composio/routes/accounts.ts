/**
 * Connected accounts (FACTS §4.3): list with filters and cursor paging, read, enable/disable,
 * soft delete and refresh; and the auth-config list derived from them (FACTS §4.4). Creating
 * accounts through the OAuth flow is not simulated: tests add them with the admin API.
 */
import type { FastifyInstance } from 'fastify';
import { accountView, isStatus, type StoredAccount } from '../accounts.js';
import type { ComposioContext } from '../context.js';
import { badRequest, connectedAccountNotFound } from '../errors.js';
import { paginate, queryList } from '../paging.js';

type Query = Record<string, unknown>;

function account(ctx: ComposioContext, id: string): StoredAccount {
  const a = ctx.accounts.get(id);
  if (!a) throw connectedAccountNotFound(id);
  return a;
}

export function registerAccountRoutes(api: FastifyInstance, ctx: ComposioContext): void {
  api.get<{ Querystring: Query }>('/connected_accounts', async (req) => {
    const q = req.query;
    const statuses = queryList(q, 'statuses');
    const bad = statuses?.find((s) => !isStatus(s));
    if (bad) throw badRequest(`Unknown status ${bad}`);
    const orderBy = q.order_by ?? 'created_at';
    if (orderBy !== 'created_at' && orderBy !== 'updated_at') throw badRequest('order_by must be created_at or updated_at');
    const orderDirection = q.order_direction ?? 'desc';
    if (orderDirection !== 'asc' && orderDirection !== 'desc') throw badRequest('order_direction must be asc or desc');
    const list = ctx.accounts.list({
      toolkitSlugs: queryList(q, 'toolkit_slugs')?.map((s) => s.toLowerCase()),
      statuses,
      userIds: queryList(q, 'user_ids'),
      authConfigIds: queryList(q, 'auth_config_ids'),
      ids: queryList(q, 'connected_account_ids'),
      orderBy,
      orderDirection,
    });
    return paginate(list, q.limit, q.cursor, accountView);
  });

  api.get<{ Params: { id: string } }>('/connected_accounts/:id', async (req) => accountView(account(ctx, req.params.id)));

  /**
   * `{enabled}`: disabling makes the account INACTIVE; enabling makes an INACTIVE account ACTIVE
   * again. Whether enabling also revives an EXPIRED or FAILED account is UNCONFIRMED; here it
   * does not, as its credentials are still unusable.
   */
  api.patch<{ Params: { id: string } }>('/connected_accounts/:id/status', async (req) => {
    const a = account(ctx, req.params.id);
    const enabled = (req.body as { enabled?: unknown } | undefined)?.enabled;
    if (typeof enabled !== 'boolean') throw badRequest('enabled must be a boolean');
    if (!enabled) ctx.accounts.setStatus(a, 'INACTIVE', 'Disabled through the API');
    else if (a.status === 'INACTIVE') ctx.accounts.setStatus(a, 'ACTIVE');
    return { success: true };
  });

  api.delete<{ Params: { id: string } }>('/connected_accounts/:id', async (req) => {
    const a = account(ctx, req.params.id);
    a.deleted = true;
    ctx.accounts.touch(a);
    return { success: true };
  });

  /**
   * Re-authorization: an OAuth account goes to INITIATED with a `redirect_url` where the user
   * re-consents (here an admin URL that completes it). An API-key account has nothing to refresh
   * and keeps its status (UNCONFIRMED).
   */
  api.post<{ Params: { id: string } }>('/connected_accounts/:id/refresh', async (req) => {
    const a = account(ctx, req.params.id);
    if (a.authScheme !== 'OAUTH2') return { id: a.id, status: a.status, redirect_url: null };
    ctx.accounts.setStatus(a, 'INITIATED');
    a.redirectUrl = `${ctx.kit.baseUrl()}/__admin/connected_accounts/${a.id}/authorize`;
    return { id: a.id, status: a.status, redirect_url: a.redirectUrl };
  });

  api.get<{ Querystring: Query }>('/auth_configs', async (req) => {
    const q = req.query;
    const toolkit = typeof q.toolkit_slug === 'string' && q.toolkit_slug !== '' ? q.toolkit_slug.toLowerCase() : undefined;
    const byId = new Map<string, StoredAccount[]>();
    for (const a of ctx.accounts.all()) {
      if (a.deleted || (toolkit && a.toolkit !== toolkit)) continue;
      byId.set(a.authConfigId, [...(byId.get(a.authConfigId) ?? []), a]);
    }
    const configs = [...byId.entries()].sort(([x], [y]) => (x < y ? -1 : 1));
    return paginate(configs, q.limit, q.cursor, ([id, accounts]) => {
      const first = accounts[0] as StoredAccount;
      const kit = ctx.catalog.toolkit(first.toolkit);
      return {
        id,
        uuid: id,
        type: 'default',
        toolkit: { slug: first.toolkit, logo: kit?.logo ?? '' },
        name: `${kit?.name ?? first.toolkit} Auth Config`,
        auth_scheme: first.authScheme,
        is_composio_managed: true,
        status: 'ENABLED',
        no_of_connections: accounts.length,
        tool_access_config: { tools_for_connected_account_creation: [], tools_available_for_execution: [] },
      };
    });
  });
}
