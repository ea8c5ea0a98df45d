/**
 * The OAuth server (FACTS §2.1): `POST /oauth/token` with `Authorization: Basic
 * base64(client_id:client_secret)` and a form body. `refresh_token` returns a new access token and
 * the same refresh token (no rotation); `api_domain` is this simulator's base URL, because the
 * official client then calls `${api_domain}/api/v2`. Error bodies follow RFC 6749
 * (`{error, error_description}`); Pipedrive's exact wording is UNCONFIRMED.
 *
 * There is no consent screen: `POST /__admin/oauth/code` `{redirect_uri}` stands in for a user
 * approving the app and returns a single-use `code` for the `authorization_code` grant.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AccessToken } from '../../kit/tokens.js';
import type { PipedriveContext } from '../gate.js';
import { isPlainObject } from '../records.js';

export function registerOAuth(app: FastifyInstance, ctx: PipedriveContext): void {
  const { oauth } = ctx.config;
  const account = String(ctx.config.company.id);
  /** Outstanding authorization codes and the redirect URI each was issued for. */
  const codes = new Map<string, string>();

  app.post('/__admin/oauth/code', async (request) => {
    const body = isPlainObject(request.body) ? request.body : {};
    const code = `pd-sim-code-${randomBytes(12).toString('base64url')}`;
    codes.set(code, typeof body.redirect_uri === 'string' ? body.redirect_uri : '');
    return { code };
  });

  app.post('/oauth/token', async (request, reply) => {
    if (!clientMatches(request.headers.authorization, oauth.clientId, oauth.clientSecret)) {
      return oauthError(reply, 401, 'invalid_client', 'Invalid client credentials');
    }
    const body = isPlainObject(request.body) ? request.body : {};
    let access: AccessToken;
    let refreshToken: string;
    if (body.grant_type === 'authorization_code') {
      const code = typeof body.code === 'string' ? body.code : '';
      const redirect = codes.get(code);
      if (ctx.kit.faults.config.revoked || redirect === undefined || (redirect !== '' && redirect !== body.redirect_uri)) {
        return oauthError(reply, 400, 'invalid_grant', 'Invalid authorization code');
      }
      codes.delete(code);
      refreshToken = `pd-sim-rt-${randomBytes(18).toString('base64url')}`;
      ctx.kit.tokens.addRefreshToken(refreshToken, account);
      access = ctx.kit.tokens.issue(account, oauth.accessTokenLifetimeSeconds);
    } else if (body.grant_type === 'refresh_token') {
      const result = ctx.kit.tokens.refreshWith(typeof body.refresh_token === 'string' ? body.refresh_token : '', oauth.accessTokenLifetimeSeconds, false);
      if ('error' in result) return oauthError(reply, 400, 'invalid_grant', 'Invalid refresh token');
      access = result.access;
      refreshToken = result.refreshToken;
    } else {
      return oauthError(reply, 400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    }
    return {
      access_token: access.token,
      token_type: 'bearer',
      refresh_token: refreshToken,
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
