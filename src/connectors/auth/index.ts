import type { AuthSpec } from '../../spec/types.js';
import type { ConnectorMetrics } from '../metrics.js';
import type { SecretScrubber } from '../redact.js';
import type { CredentialStore } from './credentialStore.js';
import { OAuth2Authenticator } from './oauth2.js';
import { apiKeyAuthenticator, bearerAuthenticator } from './staticAuth.js';
import type { Authenticator } from './types.js';

export type { Authenticator, Credentials } from './types.js';
export type { CredentialStore, StoredCredentials } from './credentialStore.js';
export { MemoryCredentialStore } from './credentialStore.js';

export interface AuthContext {
  connection: string;
  baseUrl: string;
  store?: CredentialStore;
  fetch: typeof fetch;
  timeoutMs: number;
  scrubber: SecretScrubber;
  metrics?: ConnectorMetrics;
}

/** The authenticator of an HTTP connector. Composio auth is handled by the Composio transport. */
export function createAuthenticator(spec: AuthSpec, ctx: AuthContext): Authenticator {
  switch (spec.type) {
    case 'apiKey':
      ctx.scrubber.add(spec.key);
      return apiKeyAuthenticator(spec);
    case 'bearer':
      ctx.scrubber.add(spec.token);
      return bearerAuthenticator(spec);
    case 'oauth2':
      return new OAuth2Authenticator({ spec, connection: ctx.connection, baseUrl: ctx.baseUrl, store: ctx.store, fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, scrubber: ctx.scrubber, metrics: ctx.metrics });
    case 'composio':
      ctx.scrubber.add(spec.apiKey);
      return apiKeyAuthenticator({ type: 'apiKey', key: spec.apiKey, header: 'x-api-key' });
  }
}
