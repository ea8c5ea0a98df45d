/** The connector's credential store backed by the state store: tokens encrypted at rest, per tenant. */
import type { CredentialStore, StoredCredentials } from '../connectors/auth/credentialStore.js';
import type { Scope } from '../state/scope.js';
import { loadCredentials, saveCredentials } from '../state/credentials.js';

export function storeCredentials(scope: Scope): CredentialStore {
  return {
    async load(connection: string): Promise<StoredCredentials | undefined> {
      const stored = await loadCredentials(scope, connection);
      return stored ? (stored.secrets as unknown as StoredCredentials) : undefined;
    },
    async save(connection: string, credentials: StoredCredentials): Promise<void> {
      await saveCredentials(scope, connection, { ...credentials });
    },
  };
}
