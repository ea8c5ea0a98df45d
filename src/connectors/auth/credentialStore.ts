/**
 * Where OAuth tokens of a connection are kept between runs. The state layer implements it with
 * encrypted rows; the connector only needs these two calls.
 */
export interface StoredCredentials {
  refreshToken: string;
  accessToken?: string;
  /** Epoch ms when `accessToken` expires. */
  expiresAt?: number;
  /** Base URL from the token response, when the connector switches to it. */
  instanceUrl?: string;
}

export interface CredentialStore {
  load(connection: string): Promise<StoredCredentials | undefined>;
  save(connection: string, credentials: StoredCredentials): Promise<void>;
}

/** Keeps credentials in memory: for one-off runs and tests. */
export class MemoryCredentialStore implements CredentialStore {
  private readonly byConnection = new Map<string, StoredCredentials>();
  async load(connection: string): Promise<StoredCredentials | undefined> {
    const c = this.byConnection.get(connection);
    return c && { ...c };
  }
  async save(connection: string, credentials: StoredCredentials): Promise<void> {
    this.byConnection.set(connection, { ...credentials });
  }
}
