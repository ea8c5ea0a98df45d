/**
 * Credentials on API calls: `x-api-token: <token>` (FACTS §2.1) or `Authorization: Bearer
 * <OAuth access token>`. The historic `?api_token=` query parameter is absent from both specs and
 * is not accepted (whether the live API still takes it is UNCONFIRMED).
 */
import type { FastifyRequest } from 'fastify';
import { bearerToken, type TokenStore } from '../kit/tokens.js';
import type { CredentialKind } from './limits.js';

export type AuthResult = { ok: true; token: string; kind: CredentialKind } | { ok: false; reason: 'expired' | 'revoked' | 'invalid' };

export function authenticate(request: FastifyRequest, tokens: TokenStore, apiTokens: ReadonlySet<string>): AuthResult {
  const apiToken = request.headers['x-api-token'];
  if (typeof apiToken === 'string' && apiToken !== '') {
    // API tokens and OAuth tokens share the kit's store; each header accepts only its own kind.
    if (!apiTokens.has(apiToken)) return { ok: false, reason: 'invalid' };
    const check = tokens.check(apiToken);
    return check.ok ? { ok: true, token: apiToken, kind: 'api_token' } : check;
  }
  const bearer = bearerToken(request.headers.authorization);
  if (!bearer || apiTokens.has(bearer)) return { ok: false, reason: 'invalid' };
  const check = tokens.check(bearer);
  return check.ok ? { ok: true, token: bearer, kind: 'oauth' } : check;
}
