/** API keys and long-lived bearer tokens: nothing to refresh, so a 401 is final. */
import type { AuthSpec } from '../../spec/types.js';
import type { Authenticator, Credentials } from './types.js';

type ApiKeySpec = Extract<AuthSpec, { type: 'apiKey' }>;
type BearerSpec = Extract<AuthSpec, { type: 'bearer' }>;

class StaticAuthenticator implements Authenticator {
  constructor(private readonly creds: Credentials) {}
  async credentials(): Promise<Credentials> {
    return this.creds;
  }
  async unauthorized(): Promise<boolean> {
    return false;
  }
}

/** `header` wins over `queryParam`; with neither, the key goes in `x-api-key`. */
export function apiKeyAuthenticator(spec: ApiKeySpec): Authenticator {
  if (spec.queryParam && !spec.header) return new StaticAuthenticator({ headers: {}, query: { [spec.queryParam]: spec.key }, version: 0 });
  return new StaticAuthenticator({ headers: { [(spec.header ?? 'x-api-key').toLowerCase()]: spec.key }, version: 0 });
}

export function bearerAuthenticator(spec: BearerSpec): Authenticator {
  return new StaticAuthenticator({ headers: { authorization: `Bearer ${spec.token}` }, version: 0 });
}
