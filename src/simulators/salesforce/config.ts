/**
 * Configuration of the Salesforce simulator: the org, its connected app, its limits and its schema.
 * Every option has a default, so `salesforceSimulator()` serves a working org.
 */
import { defaultSObjects, type SalesforceSObjectConfig } from './schema.js';
import { canonicalId } from './ids.js';

export interface SalesforceSimulatorConfig {
  /** API versions served under `/services/data/vXX.X`; `GET /services/data/` lists them. @defaultValue ['66.0', '67.0'] */
  apiVersions?: string[];
  /** Organization id (15 or 18 characters). @defaultValue '00D5g00000Hq7aBEAR' */
  orgId?: string;
  /** The integration user the connected app acts as; it owns, creates and modifies API writes. @defaultValue '0055g00000Kx3PQAAZ' */
  userId?: string;
  /** Username reported by the identity endpoint. @defaultValue 'integration@syncd.example' */
  username?: string;
  /** The person whose edits `PATCH /__admin/records/...` simulates (LastModifiedById of UI edits). @defaultValue '0055g00000Kx3PRAAZ' */
  uiUserId?: string;
  /** Connected app consumer key. @defaultValue 'sim-salesforce-client-id' */
  clientId?: string;
  /** Connected app consumer secret. @defaultValue 'sim-salesforce-client-secret' */
  clientSecret?: string;
  /** Refresh token the app was granted at install (restored on reset). @defaultValue 'sim-salesforce-refresh-token' */
  refreshToken?: string;
  /** The connected app rotates refresh tokens: each refresh returns a new one and retires the old. @defaultValue false */
  rotateRefreshTokens?: boolean;
  /** Session timeout: access tokens stop working this long after issue (not announced to clients, Salesforce sends no `expires_in`). @defaultValue 7200 */
  sessionTimeoutSeconds?: number;
  /** DailyApiRequests maximum; `/limits` and `Sforce-Limit-Info` report against it. @defaultValue 15000 */
  dailyApiRequestLimit?: number;
  /** Objects of the org. @defaultValue Account, Contact, Opportunity and Quote__c (see `defaultSObjects`) */
  sobjects?: SalesforceSObjectConfig[];
  /** Extra external-id fields per object, e.g. `{ Account: ['AccountNumber__c'] }`; fields must exist. @defaultValue {} */
  externalIdFields?: Record<string, string[]>;
  /** Records loaded on start and reset, per object, in create-request form. @defaultValue a few accounts, contacts, opportunities and quotes (`defaultFixtures`) */
  fixtures?: Record<string, Array<Record<string, unknown>>>;
  /** Query batch size when the client sends no `Sforce-Query-Options: batchSize=`. @defaultValue 2000 */
  queryBatchSize?: number;
  /** Query cursors a user may hold open; opening one more drops the oldest. @defaultValue 10 */
  maxOpenQueryCursors?: number;
  /**
   * Objects selected for Change Data Capture (Setup → Change Data Capture). Only these publish
   * change events and have a `/data/{Object}ChangeEvent` topic. @defaultValue every object of the org
   */
  changeEventEntities?: string[];
  /** How long change events stay replayable, measured on the kit's record clock. @defaultValue 72 */
  changeEventRetentionHours?: number;
  /** A Subscribe stream with outstanding requests but no events gets an empty FetchResponse this often. @defaultValue 270000 */
  pubSubKeepAliveMs?: number;
}

export interface ResolvedSalesforceConfig {
  apiVersions: string[];
  orgId: string;
  userId: string;
  username: string;
  uiUserId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  rotateRefreshTokens: boolean;
  sessionTimeoutSeconds: number;
  dailyApiRequestLimit: number;
  sobjects: SalesforceSObjectConfig[];
  externalIdFields: Record<string, string[]>;
  fixtures: Record<string, Array<Record<string, unknown>>> | undefined;
  queryBatchSize: number;
  maxOpenQueryCursors: number;
  changeEventEntities: string[];
  changeEventRetentionHours: number;
  pubSubKeepAliveMs: number;
}

function id18(value: string, what: string): string {
  const id = canonicalId(value);
  if (!id) throw new Error(`salesforce simulator: ${what} ${JSON.stringify(value)} is not a 15- or 18-character id`);
  return id;
}

/** Canonical object names, so `account` selects `Account`. */
function changeEventEntities(config: SalesforceSimulatorConfig, sobjects: SalesforceSObjectConfig[]): string[] {
  if (!config.changeEventEntities) return sobjects.map((s) => s.name);
  return config.changeEventEntities.map((name) => {
    const found = sobjects.find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new Error(`salesforce simulator: changeEventEntities names unknown object ${name}`);
    return found.name;
  });
}

export function resolveConfig(config: SalesforceSimulatorConfig = {}): ResolvedSalesforceConfig {
  const sobjects = config.sobjects ?? defaultSObjects();
  return {
    apiVersions: config.apiVersions ?? ['66.0', '67.0'],
    orgId: id18(config.orgId ?? '00D5g00000Hq7aBEAR', 'orgId'),
    userId: id18(config.userId ?? '0055g00000Kx3PQAAZ', 'userId'),
    username: config.username ?? 'integration@syncd.example',
    uiUserId: id18(config.uiUserId ?? '0055g00000Kx3PRAAZ', 'uiUserId'),
    clientId: config.clientId ?? 'sim-salesforce-client-id',
    clientSecret: config.clientSecret ?? 'sim-salesforce-client-secret',
    refreshToken: config.refreshToken ?? 'sim-salesforce-refresh-token',
    rotateRefreshTokens: config.rotateRefreshTokens ?? false,
    sessionTimeoutSeconds: config.sessionTimeoutSeconds ?? 7200,
    dailyApiRequestLimit: config.dailyApiRequestLimit ?? 15000,
    sobjects,
    externalIdFields: config.externalIdFields ?? {},
    fixtures: config.fixtures,
    queryBatchSize: config.queryBatchSize ?? 2000,
    maxOpenQueryCursors: config.maxOpenQueryCursors ?? 10,
    changeEventEntities: changeEventEntities(config, sobjects),
    changeEventRetentionHours: config.changeEventRetentionHours ?? 72,
    pubSubKeepAliveMs: config.pubSubKeepAliveMs ?? 270_000,
  };
}
