/** What an auth method adds to a request, and how it reacts to a 401. */
export interface Credentials {
  headers: Record<string, string>;
  query?: Record<string, string>;
  /** Replaces the connector's base URL (Salesforce `instance_url`, Pipedrive `api_domain`). */
  baseUrl?: string;
  /** Identifies the credential used, so a 401 refreshes only a token that is still current. */
  version: number;
}

export interface Authenticator {
  /** Credentials for the next request, refreshing first when the token is about to expire. */
  credentials(signal?: AbortSignal): Promise<Credentials>;
  /**
   * A request made with credentials `version` was answered 401. Returns true when fresh
   * credentials are now available (refreshed once for all concurrent callers), false when there
   * is nothing to refresh. Throws an auth `ConnectorError` when the refresh is refused.
   */
  unauthorized(version: number, signal?: AbortSignal): Promise<boolean>;
}
