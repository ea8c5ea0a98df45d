/**
 * The OAuth server (FACTS §2.1): `POST /oauth/token` with `Authorization: Basic
 * base64(client_id:client_secret)` and a form body. `refresh_token` returns a new access token and
 * the same refresh token (no rotation); `api_domain` is this simulator's base URL, because the
 * official client then calls `${api_domain}/api/v2`. Error bodies follow RFC 6749
 * (`{error, error_description}`); Pipedrive's exact wording is UNCONFIRMED.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PipedriveContext } from '../gate.js';
import { isPlainObject } from '../records.js';

export function registerOAuth(app: FastifyInstance, ctx: PipedriveContext): void {
  const { oauth } = ctx.config;

  app.post('/oauth/token', async (request, reply) => {
    if (!clientMatches(request.headers.authorization, oauth.clientId, oauth.clientSecret)) {
      return oauthError(reply, 401, 'invalid_client', 'Invalid client credentials');
    }
    const body = isPlainObject(request.body) ? request.body : {};
    if (body.grant_type !== 'refresh_token') {
      return oauthError(reply, 400, 'unsupported_grant_type', 'Only the refresh_token grant is available');
    }
    const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const result = ctx.kit.tokens.refreshWith(refreshToken, oauth.accessTokenLifetimeSeconds, false);
    if ('error' in result) return oauthError(reply, 400, 'invalid_grant', 'Invalid refresh token');
    return {
      access_token: result.access.token,
      token_type: 'bearer',
      refresh_token: result.refreshToken,
      scope: oauth.scope,
      expires_in: oauth.accessTokenLifetimeSeconds,
      api_domain: ctx.kit.baseUrl(),
    };
  });
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).send({ error, error_description: description });
}

function clientMatches(header: string | undefined, clientId: string, clientSecret: string): boolean {
  const m = /^Basic\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1] as string, 'base64');
  const expected = Buffer.from(`${clientId}:${clientSecret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
