/**
 * OAuth v1 token endpoint (FACTS §1.2): form-encoded refresh_token grant issuing 30-minute access
 * tokens. HubSpot returns the same refresh token (no rotation). `/oauth/v3/token` takes the same
 * form. The kit's `expireTokens` and `revoked` faults act on the tokens issued here.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HubspotContext } from './context.js';

// UNCONFIRMED: HubSpot's OAuth error statuses and wording beyond BAD_REFRESH_TOKEN.
function oauthError(reply: FastifyReply, status: string, message: string): FastifyReply {
  return reply.code(400).send({ status, message, correlationId: randomUUID() });
}

const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.objects.deals.write'];

export function registerOAuthRoutes(app: FastifyInstance, ctx: HubspotContext): void {
  const { oauth, portalId, webhooks } = ctx.config;

  const token = async (req: { headers: Record<string, unknown>; body: unknown }, reply: FastifyReply) => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(reply, 'BAD_REQUEST', 'The token endpoint takes an application/x-www-form-urlencoded body');
    }
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    if (form.client_id !== oauth.clientId) return oauthError(reply, 'BAD_CLIENT_ID', 'missing or unknown client id');
    if (form.client_secret !== oauth.clientSecret) return oauthError(reply, 'BAD_CLIENT_SECRET', 'missing or invalid client secret');
    if (form.grant_type !== 'refresh_token') return oauthError(reply, 'BAD_GRANT_TYPE', `unsupported grant_type: ${form.grant_type ?? ''}`);
    const result = ctx.kit.tokens.refreshWith(form.refresh_token ?? '', oauth.accessTokenLifetimeSeconds, false);
    if ('error' in result) return oauthError(reply, 'BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
    return {
      token_type: 'bearer',
      refresh_token: result.refreshToken,
      access_token: result.access.token,
      expires_in: oauth.accessTokenLifetimeSeconds,
      hub_id: portalId,
    };
  };
  app.post('/oauth/v1/token', token);
  app.post('/oauth/v3/token', token);

  app.get<{ Params: { token: string } }>('/oauth/v1/access-tokens/:token', async (req, reply) => {
    const check = ctx.kit.tokens.check(req.params.token);
    if (!check.ok) return reply.code(404).send({ status: 'error', message: 'Token not found', correlationId: randomUUID() });
    const t = check.token;
    return {
      token: t.token,
      user: 'sim-user@example.com',
      hub_domain: `sim-${portalId}.hubspot.com`,
      scopes: SCOPES,
      hub_id: portalId,
      app_id: webhooks.appId,
      expires_in: t.expiresAt === undefined ? 0 : Math.max(0, Math.floor((t.expiresAt - Date.now()) / 1000)),
      user_id: 882761034,
      token_type: 'access',
    };
  });
}
