/** Options of the HubSpot simulator, with the defaults a test or the demo gets when it sets none. */

export interface HubspotLimitsConfig {
  /**
   * Requests per rolling 10 s window for the account (Professional/Enterprise private apps).
   * @defaultValue 190
   */
  tenSecond?: number;
  /**
   * Requests per day for the account (Enterprise). The day rolls over at midnight UTC.
   * @defaultValue 1_000_000
   */
  daily?: number;
  /**
   * CRM search requests per second for the account.
   * @defaultValue 5
   */
  searchPerSecond?: number;
}

export interface HubspotOAuthConfig {
  /** @defaultValue 'sim-client-id' */
  clientId?: string;
  /** @defaultValue 'sim-client-secret' */
  clientSecret?: string;
  /** Refresh token the simulated install handed out; exchange it at `POST /oauth/v1/token`. @defaultValue 'sim-refresh-token' */
  refreshToken?: string;
  /** Lifetime of issued access tokens, in seconds. @defaultValue 1800 */
  accessTokenLifetimeSeconds?: number;
}

export interface HubspotWebhookConfig {
  /** The developer app whose webhooks are managed under `/webhooks/v3/{appId}`. @defaultValue 1234567 */
  appId?: number;
  /** The app's client secret: the key of the v3 HMAC and the prefix of the v1/v2 hashes. @defaultValue the OAuth client secret */
  clientSecret?: string;
  /** Developer API key accepted as `?hapikey=` by the webhooks management API. @defaultValue 'sim-developer-hapikey' */
  developerApiKey?: string;
  /**
   * Multiplies the retry delays (about 10 retries over 24 h). Tests use e.g. 0.00001.
   * @defaultValue 1
   */
  retryDelayScale?: number;
  /** How long the receiver has to answer, in ms. @defaultValue 5000 */
  timeoutMs?: number;
  /** Also send events for writes made through the API, not only for edits "in the CRM". @defaultValue true */
  eventsForApiWrites?: boolean;
}

export interface HubspotSimConfig {
  /** The account (hub) id. @defaultValue 62515 */
  portalId?: number;
  /** Private-app tokens accepted as `Authorization: Bearer`. @defaultValue [HUBSPOT_SIM_PRIVATE_APP_TOKEN] */
  privateAppTokens?: string[];
  limits?: HubspotLimitsConfig;
  oauth?: HubspotOAuthConfig;
  webhooks?: HubspotWebhookConfig;
  /**
   * Sends `Retry-After` with organic 429s. HubSpot sending it at all is UNCONFIRMED, so it is off
   * unless asked for; clients should pace from the X-HubSpot-RateLimit-* headers instead.
   * @defaultValue false
   */
  sendRetryAfter?: boolean;
  /**
   * Search is eventually consistent: a record written less than this many ms ago is not yet
   * visible to `/search`. @defaultValue 0
   */
  searchIndexDelayMs?: number;
  /**
   * How datetime property values (createdate, hs_lastmodifieddate, closedate…) are written in
   * responses. HubSpot's own examples show ISO-8601 (`"2019-10-30T03:30:17.883Z"`); `'epoch-ms'`
   * writes `"1572406217883"`. Inputs and search filters accept both forms either way.
   * @defaultValue 'iso'
   */
  datetimeFormat?: 'iso' | 'epoch-ms';
}

/** The fixture private-app token accepted when no tokens are configured. */
export const HUBSPOT_SIM_PRIVATE_APP_TOKEN = 'pat-na1-sim-00000000-0000-4000-8000-000000000001';

export interface ResolvedHubspotConfig {
  portalId: number;
  privateAppTokens: string[];
  limits: Required<HubspotLimitsConfig>;
  oauth: Required<HubspotOAuthConfig>;
  webhooks: Required<HubspotWebhookConfig>;
  sendRetryAfter: boolean;
  searchIndexDelayMs: number;
  datetimeFormat: 'iso' | 'epoch-ms';
}

export function resolveConfig(c: HubspotSimConfig = {}): ResolvedHubspotConfig {
  const oauth: Required<HubspotOAuthConfig> = {
    clientId: c.oauth?.clientId ?? 'sim-client-id',
    clientSecret: c.oauth?.clientSecret ?? 'sim-client-secret',
    refreshToken: c.oauth?.refreshToken ?? 'sim-refresh-token',
    accessTokenLifetimeSeconds: c.oauth?.accessTokenLifetimeSeconds ?? 1800,
  };
  return {
    portalId: c.portalId ?? 62515,
    privateAppTokens: c.privateAppTokens ?? [HUBSPOT_SIM_PRIVATE_APP_TOKEN],
    limits: {
      tenSecond: c.limits?.tenSecond ?? 190,
      daily: c.limits?.daily ?? 1_000_000,
      searchPerSecond: c.limits?.searchPerSecond ?? 5,
    },
    oauth,
    webhooks: {
      appId: c.webhooks?.appId ?? 1234567,
      clientSecret: c.webhooks?.clientSecret ?? oauth.clientSecret,
      developerApiKey: c.webhooks?.developerApiKey ?? 'sim-developer-hapikey',
      retryDelayScale: c.webhooks?.retryDelayScale ?? 1,
      timeoutMs: c.webhooks?.timeoutMs ?? 5000,
      eventsForApiWrites: c.webhooks?.eventsForApiWrites ?? true,
    },
    sendRetryAfter: c.sendRetryAfter ?? false,
    searchIndexDelayMs: c.searchIndexDelayMs ?? 0,
    datetimeFormat: c.datetimeFormat ?? 'iso',
  };
}
