/**
 * `POST /api/v3/tools/execute/{tool_slug}` (FACTS §4.2): resolves the tool and its version and
 * the connected account, validates the arguments against the tool's input schema, then performs
 * the real operation on the provider simulator with the account's credentials.
 *
 * Answers: 200 `{data, error:null, successful:true, log_id}`; a provider 4xx is a 200 with
 * `successful:false` and the provider's error as text, a provider 5xx or no answer a 502 (which of
 * the two Composio uses for which upstream failure is UNCONFIRMED; the spec lists both). Refusals
 * use the error body: 400 bad body or arguments, 404 unknown tool or account, 410 deprecated tool,
 * 422 account not ACTIVE, 501 natural-language `text`.
 */
import type { FastifyInstance } from 'fastify';
import type { StoredAccount } from '../accounts.js';
import type { CatalogEntry } from '../catalog/catalog.js';
import type { ToolAccount } from '../catalog/types.js';
import type { ComposioContext } from '../context.js';
import { badRequest, ComposioHttpError, connectedAccountNotFound, notFound, CONNECTED_ACCOUNT_NOT_FOUND_CODE } from '../errors.js';
import type { ExecutionRecord } from '../executions.js';
import { ProviderError, ProviderHttp, ProviderUnreachableError } from '../provider.js';

interface ExecuteBody {
  arguments?: unknown;
  text?: unknown;
  user_id?: unknown;
  entity_id?: unknown;
  connected_account_id?: unknown;
  version?: unknown;
}

const LOG_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function optionalString(body: ExecuteBody, name: keyof ExecuteBody): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be a string`);
  return v;
}

function resolveAccount(ctx: ComposioContext, entry: CatalogEntry, accountId: string | undefined, userId: string | undefined): StoredAccount {
  const toolkit = entry.toolkit.slug;
  if (accountId === undefined) {
    if (userId === undefined) throw badRequest('Pass connected_account_id or user_id', { suggestedFix: 'Name the connected account to run the tool as' });
    const own = ctx.accounts.list({ userIds: [userId], toolkitSlugs: [toolkit], orderDirection: 'asc' });
    const account = own.find((a) => a.status === 'ACTIVE') ?? own[0];
    if (!account) {
      throw notFound(`No connected account found for user ${userId} and toolkit ${toolkit}`, {
        code: CONNECTED_ACCOUNT_NOT_FOUND_CODE,
        suggestedFix: `Connect a ${entry.toolkit.name} account for this user first`,
      });
    }
    return account;
  }
  const account = ctx.accounts.get(accountId);
  if (!account) throw connectedAccountNotFound(accountId);
  // UNCONFIRMED: the statuses for an account of another user or toolkit.
  if (userId !== undefined && account.userId !== userId) throw badRequest(`Connected account ${accountId} does not belong to user ${userId}`);
  if (account.toolkit !== toolkit) throw badRequest(`Connected account ${accountId} is a ${account.toolkit} account; ${entry.tool.slug} needs ${toolkit}`);
  return account;
}

export function registerExecuteRoute(api: FastifyInstance, ctx: ComposioContext): void {
  const logId = (): string => {
    let id = 'log_';
    for (let i = 0; i < 12; i++) id += LOG_ALPHABET[Math.floor(ctx.kit.rand() * LOG_ALPHABET.length)];
    return id;
  };

  api.post<{ Params: { tool_slug: string } }>('/tools/execute/:tool_slug', async (req, reply) => {
    const raw = req.body ?? {};
    const header = req.headers['x-correlation-id'];
    const body = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as ExecuteBody;
    const record: ExecutionRecord = {
      logId: null,
      at: new Date().toISOString(),
      tool: req.params.tool_slug,
      version: null,
      connectedAccountId: typeof body.connected_account_id === 'string' ? body.connected_account_id : null,
      userId: typeof body.user_id === 'string' ? body.user_id : null,
      correlationId: typeof header === 'string' ? header : null,
      outcome: 'rejected',
      status: 0,
      error: null,
      arguments: body.arguments === undefined ? null : structuredClone(body.arguments),
      providerCalls: [],
    };
    const finish = (status: number, outcome: ExecutionRecord['outcome'], error: string | null): void => {
      record.status = status;
      record.outcome = outcome;
      record.error = error;
      ctx.executions.add(record);
    };

    let entry: CatalogEntry;
    let account: StoredAccount;
    let args: Record<string, unknown>;
    try {
      if (raw !== body) throw badRequest('The request body must be a JSON object');
      const accountId = optionalString(body, 'connected_account_id');
      // `entity_id` is the deprecated name of `user_id`.
      const userId = optionalString(body, 'user_id') ?? optionalString(body, 'entity_id');
      const requestedVersion = optionalString(body, 'version');
      const text = optionalString(body, 'text');
      if (body.arguments !== undefined && body.arguments !== null && (typeof body.arguments !== 'object' || Array.isArray(body.arguments))) {
        throw badRequest('arguments must be an object');
      }
      if (body.arguments !== undefined && text !== undefined) throw badRequest('arguments and text are mutually exclusive');

      const found = ctx.catalog.find(req.params.tool_slug);
      if (!found) throw notFound(`Tool ${req.params.tool_slug} not found`, { suggestedFix: 'List the available tools with GET /api/v3/tools?toolkit_slug=<toolkit>' });
      entry = found;
      record.tool = entry.tool.slug;
      const version = ctx.catalog.resolveVersion(entry, requestedVersion);
      if (version === undefined) throw notFound(`Tool ${entry.tool.slug} has no version ${requestedVersion}`, { suggestedFix: `Use one of: ${entry.versions.join(', ')}` });
      record.version = version;
      if (entry.tool.deprecated) throw new ComposioHttpError(410, `Tool ${entry.tool.slug} is deprecated`, { suggestedFix: 'Use its replacement listed in GET /api/v3/tools' });

      account = resolveAccount(ctx, entry, accountId, userId);
      record.connectedAccountId = account.id;
      record.userId = account.userId;
      if (account.status !== 'ACTIVE') {
        throw new ComposioHttpError(422, `Connected account ${account.id} is ${account.status}, not ACTIVE${account.statusReason ? `: ${account.statusReason}` : ''}`, {
          suggestedFix:
            account.status === 'INACTIVE'
              ? 'Enable the account with PATCH /api/v3/connected_accounts/{id}/status'
              : 'Ask the user to re-authenticate the connected account (POST /api/v3/connected_accounts/{id}/refresh)',
        });
      }
      // Composio turns `text` into arguments with a language model; nothing here can do that.
      if (text !== undefined) throw new ComposioHttpError(501, 'Executing a tool from natural-language text is not supported by this server');
      args = (body.arguments ?? {}) as Record<string, unknown>;
      const problems = ctx.catalog.argumentErrors(entry, args);
      if (problems.length > 0) {
        throw badRequest(`Invalid arguments for tool ${entry.tool.slug}: ${problems.join('; ')}`, {
          errors: problems,
          suggestedFix: `Check the arguments against input_parameters of GET /api/v3/tools/${entry.tool.slug}`,
        });
      }
    } catch (e) {
      if (e instanceof ComposioHttpError) finish(e.statusCode, e.statusCode >= 500 && e.statusCode !== 501 ? 'error' : 'rejected', e.message);
      throw e;
    }

    const http = new ProviderHttp({
      toolkit: entry.toolkit,
      credentials: account.credentials,
      provider: ctx.config.providers[entry.toolkit.slug],
      timeoutMs: ctx.config.providerTimeoutMs,
    });
    record.providerCalls = http.calls;
    const view: ToolAccount = { id: account.id, userId: account.userId, toolkit: account.toolkit };
    try {
      const data = await entry.tool.execute(args, view, http);
      record.logId = logId();
      finish(200, 'successful', null);
      return reply.code(200).send({ data, error: null, successful: true, log_id: record.logId });
    } catch (e) {
      if (e instanceof ProviderError && e.status < 500) {
        record.logId = logId();
        finish(200, 'failed', e.message);
        return reply.code(200).send({ data: {}, error: e.message, successful: false, log_id: record.logId });
      }
      if (e instanceof ProviderError || e instanceof ProviderUnreachableError) {
        finish(502, 'error', e.message);
        throw new ComposioHttpError(502, `Error communicating with the ${entry.toolkit.name} API: ${e.message}`, { suggestedFix: 'Retry later' });
      }
      finish(500, 'error', (e as Error).message);
      throw new ComposioHttpError(500, 'Internal server error');
    }
  });
}
