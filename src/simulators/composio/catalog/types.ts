/**
 * The tool catalog as data: a toolkit is a provider (HubSpot, Pipedrive, Salesforce) with its
 * versions and tools; a tool is its public metadata (what `GET /api/v3/tools/{slug}` shows) plus
 * the real operation it performs on the provider's API.
 */
import type { ProviderHttp } from '../provider.js';

export type JsonSchema = Record<string, unknown>;

export type AuthScheme = 'OAUTH2' | 'API_KEY' | 'BEARER_TOKEN';

/** The connected account a tool runs as; credentials stay inside {@link ProviderHttp}. */
export interface ToolAccount {
  readonly id: string;
  readonly userId: string;
  readonly toolkit: string;
}

export interface ToolDefinition {
  /** Upper-case slug, prefixed with the toolkit (`HUBSPOT_CREATE_NEW_DEAL_OBJECT`). */
  slug: string;
  name: string;
  description: string;
  /** Toolkit versions the tool exists in. @defaultValue every version of its toolkit */
  versions?: string[];
  /** JSON Schema the execution's `arguments` are validated against. */
  inputParameters: JsonSchema;
  /** JSON Schema of the execution's `data`. */
  outputParameters: JsonSchema;
  /** @defaultValue [] */
  tags?: string[];
  /** Provider OAuth scopes the tool needs. @defaultValue [] */
  scopes?: string[];
  /** Listed, but executing it answers 410. @defaultValue false */
  deprecated?: boolean;
  /**
   * Performs the operation on the provider with the account's credentials and returns `data`.
   * Provider errors propagate as `ProviderError` / `ProviderUnreachableError`.
   */
  execute(args: Record<string, unknown>, account: ToolAccount, http: ProviderHttp): Promise<Record<string, unknown>>;
}

export interface ToolkitDefinition {
  /** Lower-case slug (`hubspot`). */
  slug: string;
  name: string;
  logo: string;
  /** Scheme of the toolkit's Composio-managed auth config. */
  authScheme: AuthScheme;
  /** Header an `api_key` credential is sent in. @defaultValue 'x-api-key' */
  apiKeyHeader?: string;
  /** Toolkit versions, oldest first; the last is what `latest` means. */
  versions: string[];
  tools: ToolDefinition[];
}
