/**
 * Options of the Pipedrive simulator. Limits follow FACTS §2.3 (Growth plan by default); every
 * number can be changed so tests can reach a limit in a few requests and benchmarks can lift them.
 */

export interface PipedriveOAuthConfig {
  /** @defaultValue 'pd-sim-client' */
  clientId?: string;
  /** @defaultValue 'pd-sim-secret' */
  clientSecret?: string;
  /** Refresh token the client received at install time. @defaultValue 'pd-sim-refresh-token' */
  refreshToken?: string;
  /**
   * Lifetime of issued access tokens, sent as `expires_in`. 3599 s is the commonly seen value
   * (UNCONFIRMED in FACTS §2.1). @defaultValue 3599
   */
  accessTokenLifetimeSeconds?: number;
  /** `scope` in the token response. @defaultValue 'base,deals:full,contacts:full,admin' */
  scope?: string;
}

export interface PipedriveCompanyConfig {
  /** @defaultValue 12345 */
  id?: number;
  /** Company subdomain: `host` in webhook meta is `<domain>.pipedrive.com`. @defaultValue 'simco' */
  domain?: string;
  /** The user every credential acts as (owner of created records, webhooks). @defaultValue 1001 */
  userId?: number;
  /** @defaultValue 'Sim Admin' */
  userName?: string;
  /** @defaultValue 'admin@simco.example' */
  userEmail?: string;
  /** Currency of deals created without one. @defaultValue 'EUR' */
  currency?: string;
}

export interface PipedriveFixtureConfig {
  /** @defaultValue 30 */
  organizations?: number;
  /** @defaultValue 60 */
  persons?: number;
  /** @defaultValue 40 */
  deals?: number;
  /** @defaultValue 20 */
  notes?: number;
}

export interface PipedriveWebhookConfig {
  /**
   * Multiplies Pipedrive's retry delays of 3, 30 and 150 s (FACTS §2.5); tests use e.g. 0.001.
   * @defaultValue 1
   */
  retryDelayScale?: number;
  /** A delivery not answered with a 2xx within this time failed. @defaultValue 10000 */
  timeoutMs?: number;
  /** Consecutive first-attempt failures after which a webhook is banned. @defaultValue 10 */
  banAfterFailures?: number;
  /** How long a ban lasts; events during a ban are lost. @defaultValue 1800000 (30 min) */
  banMs?: number;
  /** Webhooks one user may own (FACTS §2.5). @defaultValue 40 */
  maxPerUser?: number;
}

export interface PipedriveSimulatorConfig {
  /** Tokens accepted in the `x-api-token` header. @defaultValue ['pd-sim-api-token'] */
  apiTokens?: string[];
  oauth?: PipedriveOAuthConfig;
  /**
   * Requests per rolling 2 s window, per token. @defaultValue { apiToken: 40, oauth: 160 }
   * (Growth plan)
   */
  burstLimit?: { apiToken?: number; oauth?: number };
  /** Search requests per rolling 2 s window, per token, on every plan. @defaultValue 10 */
  searchLimit?: number;
  /**
   * Daily budget of tokens for the company, charged by each operation's `x-token-cost`.
   * @defaultValue 60000 (30,000 × Growth multiplier 2 × one seat)
   */
  dailyTokenBudget?: number;
  company?: PipedriveCompanyConfig;
  /** Sizes of the seeded fixtures loaded at start and on reset. */
  fixtures?: PipedriveFixtureConfig;
  webhooks?: PipedriveWebhookConfig;
}

export interface ResolvedPipedriveConfig {
  apiTokens: string[];
  oauth: Required<PipedriveOAuthConfig>;
  burstLimit: { apiToken: number; oauth: number };
  searchLimit: number;
  dailyTokenBudget: number;
  company: Required<PipedriveCompanyConfig>;
  fixtures: Required<PipedriveFixtureConfig>;
  webhooks: Required<PipedriveWebhookConfig>;
}

/** The rolling window of the burst and search limits. */
export const BURST_WINDOW_MS = 2000;
/** Pipedrive's webhook retry schedule before scaling (FACTS §2.5). */
export const WEBHOOK_RETRY_DELAYS_MS = [3_000, 30_000, 150_000];

export function resolveConfig(config: PipedriveSimulatorConfig = {}): ResolvedPipedriveConfig {
  return {
    apiTokens: config.apiTokens ?? ['pd-sim-api-token'],
    oauth: {
      clientId: 'pd-sim-client',
      clientSecret: 'pd-sim-secret',
      refreshToken: 'pd-sim-refresh-token',
      accessTokenLifetimeSeconds: 3599,
      scope: 'base,deals:full,contacts:full,admin',
      ...config.oauth,
    },
    burstLimit: { apiToken: 40, oauth: 160, ...config.burstLimit },
    searchLimit: config.searchLimit ?? 10,
    dailyTokenBudget: config.dailyTokenBudget ?? 60_000,
    company: {
      id: 12345,
      domain: 'simco',
      userId: 1001,
      userName: 'Sim Admin',
      userEmail: 'admin@simco.example',
      currency: 'EUR',
      ...config.company,
    },
    fixtures: { organizations: 30, persons: 60, deals: 40, notes: 20, ...config.fixtures },
    webhooks: {
      retryDelayScale: 1,
      timeoutMs: 10_000,
      banAfterFailures: 10,
      banMs: 30 * 60_000,
      maxPerUser: 40,
      ...config.webhooks,
    },
  };
}
