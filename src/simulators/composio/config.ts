/** Options of the Composio simulator, with the defaults a test or the demo gets when it sets none. */
import { HUBSPOT_SIM_PRIVATE_APP_TOKEN } from '../hubspot/config.js';
import type { AuthScheme, ToolkitDefinition } from './catalog/types.js';
import { DEFAULT_TOOLKITS } from './tools/index.js';

export const CONNECTED_ACCOUNT_STATUSES = ['INITIALIZING', 'INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE'] as const;
export type ConnectedAccountStatus = (typeof CONNECTED_ACCOUNT_STATUSES)[number];

export type { AuthScheme };

/** What a connected account holds for the provider. Never returned unmasked by the API. */
export interface ProviderCredentials {
  /** OAuth2 / bearer access token, sent as `Authorization: Bearer`. */
  access_token?: string;
  refresh_token?: string;
  /** API key, sent in the toolkit's API-key header (Pipedrive: `x-api-token`). */
  api_key?: string;
  /**
   * The account's own API base URL, overriding the provider's (a Salesforce instance URL).
   * @defaultValue the provider's `baseUrl`
   */
  base_url?: string;
}

export interface ConnectedAccountConfig {
  /** `ca_…`. @defaultValue a generated id */
  id?: string;
  /** The end user the account belongs to. */
  userId: string;
  /** Toolkit slug (`hubspot`, `pipedrive`, `salesforce`). */
  toolkit: string;
  /** @defaultValue 'ACTIVE' */
  status?: ConnectedAccountStatus;
  /** @defaultValue null */
  statusReason?: string | null;
  /** The auth config the account was created from. @defaultValue `ac_<toolkit>` */
  authConfigId?: string;
  /** @defaultValue the toolkit's scheme (OAUTH2 for HubSpot and Salesforce, API_KEY for Pipedrive) */
  authScheme?: AuthScheme;
  credentials: ProviderCredentials;
}

/** Where a toolkit's tools send their requests: the matching provider simulator. */
export interface ProviderConfig {
  /** Base URL of the provider API, e.g. a running HubSpot simulator's `url`. */
  baseUrl: string;
  /** Salesforce REST API version used in `/services/data/v{apiVersion}`. @defaultValue '66.0' */
  apiVersion?: string;
}

export interface ComposioRateLimitConfig {
  /**
   * Requests per fixed window for the organization, over every authenticated endpoint
   * (Starter/Hobby 2,000/min, Growth 10,000/min; FACTS §4.5).
   * @defaultValue 2000
   */
  limit?: number;
  /** @defaultValue 60_000 (sent as `X-RateLimit-Window-Size: 60s`) */
  windowMs?: number;
  /**
   * Body of a 429. `'docs'` is the rate-limit page's `{"message":"Rate limit exceeded. Limit: N
   * requests per 1 minutes"}`; `'spec'` is the OpenAPI `Error` body the spec declares for 429. The
   * two sources disagree and which one the API sends is UNCONFIRMED.
   * @defaultValue 'docs'
   */
  body?: 'docs' | 'spec';
}

export interface ComposioSimConfig {
  /** Project API keys accepted in `x-api-key`. @defaultValue [COMPOSIO_SIM_API_KEY] */
  apiKeys?: string[];
  /**
   * Connected accounts present at start and after `POST /__admin/reset`.
   * @defaultValue {@link defaultConnectedAccounts} (a HubSpot and a Pipedrive account of `sim-user`
   * holding those simulators' fixture credentials)
   */
  connectedAccounts?: ConnectedAccountConfig[];
  /**
   * Provider simulators by toolkit slug. A tool of a toolkit with no provider (and an account
   * without `base_url`) fails with 502, as an unreachable provider does. @defaultValue {}
   */
  providers?: Record<string, ProviderConfig>;
  /** The tool catalog. @defaultValue DEFAULT_TOOLKITS (HubSpot, Pipedrive, Salesforce) */
  toolkits?: ToolkitDefinition[];
  rateLimit?: ComposioRateLimitConfig;
  /** How long a provider call may take before the execution fails with 502. @defaultValue 30_000 */
  providerTimeoutMs?: number;
}

/** The fixture project API key accepted when no keys are configured. */
export const COMPOSIO_SIM_API_KEY = 'ak_sim_composio_0000000000000001';

/** Connected accounts of the default fixtures. */
export const COMPOSIO_SIM_ACCOUNTS = {
  hubspot: 'ca_simHubspot001',
  pipedrive: 'ca_simPipedrv001',
} as const;

export const DEFAULT_USER_ID = 'sim-user';

export function defaultConnectedAccounts(): ConnectedAccountConfig[] {
  return [
    { id: COMPOSIO_SIM_ACCOUNTS.hubspot, userId: DEFAULT_USER_ID, toolkit: 'hubspot', credentials: { access_token: HUBSPOT_SIM_PRIVATE_APP_TOKEN } },
    // The Pipedrive simulator's default API token.
    { id: COMPOSIO_SIM_ACCOUNTS.pipedrive, userId: DEFAULT_USER_ID, toolkit: 'pipedrive', credentials: { api_key: 'pd-sim-api-token' } },
  ];
}

export interface ResolvedComposioConfig {
  apiKeys: string[];
  connectedAccounts: ConnectedAccountConfig[];
  providers: Record<string, ProviderConfig>;
  toolkits: ToolkitDefinition[];
  rateLimit: Required<ComposioRateLimitConfig>;
  providerTimeoutMs: number;
}

export function resolveConfig(c: ComposioSimConfig = {}): ResolvedComposioConfig {
  return {
    apiKeys: c.apiKeys ?? [COMPOSIO_SIM_API_KEY],
    connectedAccounts: c.connectedAccounts ?? defaultConnectedAccounts(),
    providers: { ...c.providers },
    toolkits: c.toolkits ?? DEFAULT_TOOLKITS,
    rateLimit: {
      limit: c.rateLimit?.limit ?? 2000,
      windowMs: c.rateLimit?.windowMs ?? 60_000,
      body: c.rateLimit?.body ?? 'docs',
    },
    providerTimeoutMs: c.providerTimeoutMs ?? 30_000,
  };
}
