/**
 * The connected app's OAuth endpoint (refresh-token flow) and the identity URL. The token response
 * carries no `expires_in`: a session simply stops working after the session timeout, and clients
 * learn it from a 401 INVALID_SESSION_ID.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SimulatorKit } from '../kit/server.js';
import { bearerToken } from '../kit/tokens.js';
import { sessionInvalid } from './http.js';
import type { SalesforceOrg } from './org.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function identityUrl(org: SalesforceOrg): string {
  return `${org.baseUrl()}/id/${org.config.orgId}/${org.config.userId}`;
}

/** Issues a session for the integration user, as a completed OAuth flow would. */
export function issueSession(kit: SimulatorKit, org: SalesforceOrg): string {
  return kit.tokens.issue(org.config.orgId, org.config.sessionTimeoutSeconds).token;
}

export function registerOAuth(app: FastifyInstance, kit: SimulatorKit, org: SalesforceOrg): void {
  app.post('/services/oauth2/token', async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    const cfg = org.config;
    const fail = (error: string, description: string) => reply.code(400).send({ error, error_description: description });
    if (form.grant_type !== 'refresh_token') return fail('unsupported_grant_type', 'grant type not supported');
    if (form.client_id !== cfg.clientId) return fail('invalid_client_id', 'client identifier invalid');
    if (form.client_secret !== undefined && !sameSecret(form.client_secret, cfg.clientSecret)) return fail('invalid_client', 'invalid client credentials');
    const result = kit.tokens.refreshWith(form.refresh_token ?? '', cfg.sessionTimeoutSeconds, cfg.rotateRefreshTokens);
    if ('error' in result) return fail('invalid_grant', 'expired access/refresh token');
    const id = identityUrl(org);
    const issuedAt = String(result.access.issuedAt);
    // Salesforce signs `id + issued_at` with the consumer secret so clients can verify the response.
    const signature = createHmac('sha256', cfg.clientSecret).update(id + issuedAt).digest('base64');
    return reply.send({
      access_token: result.access.token,
      ...(cfg.rotateRefreshTokens ? { refresh_token: result.refreshToken } : {}),
      signature,
      scope: 'api refresh_token',
      instance_url: org.baseUrl(),
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    });
  });

  app.get('/id/:orgId/:userId', async (request, reply) => {
    const params = request.params as { orgId: string; userId: string };
    const query = request.query as { oauth_token?: string };
    const check = kit.tokens.check(bearerToken(request.headers.authorization) ?? query.oauth_token);
    if (!check.ok) return sessionInvalid(reply);
    const cfg = org.config;
    if (params.orgId !== cfg.orgId || params.userId !== cfg.userId) return reply.code(404).send('Bad_Id');
    const base = org.baseUrl();
    const urls = Object.fromEntries(
      ['rest', 'sobjects', 'query', 'limits'].map((k) => [k, `${base}/services/data/v{version}/${k === 'rest' ? '' : `${k}/`}`]),
    );
    return reply.send({
      id: identityUrl(org),
      asserted_user: true,
      user_id: cfg.userId,
      organization_id: cfg.orgId,
      username: cfg.username,
      nick_name: cfg.username.split('@')[0],
      display_name: 'Integration User',
      email: cfg.username,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      urls: { ...urls, custom_domain: base },
      last_modified_date: '2025-01-01T00:00:00.000+0000',
      is_app_installed: true,
    });
  });
}
