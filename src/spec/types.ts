/**
 * TypeScript view of validated spec documents. It mirrors the JSON Schemas generated in
 * `schema/`; a document only reaches code typed like this after it passed validation.
 */
import type { ERROR_CLASSES, OPERATION_KINDS, PROPERTY_TYPES } from './schema/connectorSchema.js';
import type { OWNERSHIP_POLICIES } from './schema/pipelineSchema.js';

export type OperationKind = (typeof OPERATION_KINDS)[number];
export type PropertyType = (typeof PROPERTY_TYPES)[number];
export type ErrorClass = (typeof ERROR_CLASSES)[number];
export type OwnershipPolicy = (typeof OWNERSHIP_POLICIES)[number];
/** A duration as written in YAML: `500ms`, `30s`, `5m`, `1h`, `1d`. */
export type DurationText = string;

export interface Metadata {
  name: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
}

export type AuthSpec =
  | { type: 'apiKey'; key: string; header?: string; queryParam?: string }
  | { type: 'bearer'; token: string }
  | {
      type: 'oauth2';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      refreshToken: string;
      /** Default: body. */
      clientAuthentication?: 'body' | 'basic';
      refreshEarly?: DurationText;
      instanceUrlField?: string;
      instanceUrlSuffix?: string;
      /** Default: false. */
      rotatesRefreshToken?: boolean;
    }
  | { type: 'composio'; apiKey: string; baseUrl?: string; toolkit: string; toolkitVersion: string; userId?: string };

export type PaginationSpec =
  | { type: 'cursor'; param: string; in?: 'query' | 'body'; next: string; limitParam?: string; pageSize?: number }
  | { type: 'nextUrl'; next: string; done?: string }
  | { type: 'offset'; param: string; limitParam: string; pageSize: number; more?: string }
  | { type: 'none' };

export type WebhookVerifierSpec =
  | { type: 'hubspot-v3'; secret: string; tolerance?: DurationText }
  | { type: 'basic-auth'; username: string; password: string }
  | { type: 'none' };

export interface RateWindowSpec {
  limit: number;
  per: DurationText;
}

export interface RateLimitSpec {
  requests?: RateWindowSpec;
  search?: RateWindowSpec;
  daily?: { limit: number };
  headers?: {
    limit?: string;
    remaining?: string;
    reset?: string;
    /** Default: seconds. */
    resetUnit?: 'seconds' | 'milliseconds' | 'epochSeconds';
    dailyRemaining?: string;
    usage?: string;
  };
  /** Default: 0.95. */
  utilization?: number;
}

export interface RetrySpec {
  /** Default: 6. */
  attempts?: number;
  initialDelay?: DurationText;
  maxDelay?: DurationText;
}

export interface ErrorRuleSpec {
  status?: number | number[];
  bodyMatches?: string;
  class: ErrorClass;
}

export interface PropertySpec {
  type: PropertyType;
  description?: string;
  required?: boolean;
  readOnly?: boolean;
  unique?: boolean;
  values?: Array<string | number>;
  wireName?: string;
}

export interface OperationSpec {
  kind: OperationKind;
  description?: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path?: string;
  query?: Record<string, string | number | boolean>;
  params?: string;
  body?: string;
  tool?: string;
  arguments?: string;
  records?: string;
  record?: string;
  errors?: string;
  pagination?: PaginationSpec;
  since?: { param?: string; format?: 'iso' | 'epochMillis' | 'epochSeconds' | 'soqlDateTime' };
  maxBatch?: number;
  idProperty?: string;
  /** Properties of the CRM's record the body reads as `current`. */
  reads?: string[];
  cost?: number;
  budget?: 'requests' | 'search';
  hooks?: { encode?: string; decode?: string };
}

export interface ObjectSpec {
  description?: string;
  id?: string;
  updatedAt?: string;
  fields?: string;
  properties: Record<string, PropertySpec>;
  operations: Record<string, OperationSpec>;
  changeTopic?: string;
}

export interface TableSpec {
  description?: string;
  key: string;
  columns: Record<string, { type: PropertyType; description?: string }>;
  writable?: boolean;
}

export interface ConnectorSpec {
  /** Default: http. */
  transport?: 'http' | 'sql';
  baseUrl?: string;
  hooks?: string;
  auth?: AuthSpec;
  headers?: Record<string, string>;
  rateLimit?: RateLimitSpec;
  retry?: RetrySpec;
  timeout?: DurationText;
  errors?: ErrorRuleSpec[];
  errorMessage?: string;
  objects?: Record<string, ObjectSpec>;
  webhooks?: {
    verify: WebhookVerifierSpec;
    decoder: string;
    subscribe?: WebhookSubscribeSpec;
    maxBodySize?: number;
  };
  changeEvents?: ChangeEventsSpec;
  database?: string;
  tables?: Record<string, TableSpec>;
}

/** A connector's stream of record changes (see the connector schema). */
export interface ChangeEventsSpec {
  protocol: 'salesforce-pubsub';
  endpoint: string;
  tenantId: string;
  batchSize?: number;
  ignoreOrigin?: string;
}

/** How syncd registers its own webhook subscriptions (see the connector schema). */
export interface WebhookSubscribeSpec {
  operation: string;
  list: string;
  delete: string;
  events: string[];
  fields: string;
  nameProperty?: string;
}

export interface ConnectorDocument {
  apiVersion: string;
  kind: 'Connector';
  metadata: Metadata;
  spec: ConnectorSpec;
}

export interface ScheduleSpec {
  every: DurationText;
}

export interface CursorSpec {
  field: string;
  lookback?: DurationText;
  start?: string;
}

export type SourceSpec =
  | { type: 'poll'; connector: string; object: string; operation?: string; schedule: ScheduleSpec; cursor: CursorSpec }
  | { type: 'table'; connector: string; table: string; schedule: ScheduleSpec; cursor: CursorSpec }
  | { type: 'webhook'; connector: string; object: string; events: string[]; fetch?: string }
  | { type: 'changeEvents'; connector: string; object: string; changes?: ChangeType[]; fetch?: string };

/**
 * Change types a `changeEvents` source can process (each with its GAP_ twin). No pipeline deletes
 * records: a DELETE opens a reconciliation item on the local row linked to the deleted record.
 */
export const CHANGE_TYPES = ['CREATE', 'UPDATE', 'DELETE', 'UNDELETE'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export type TransformSpec = { type: 'jsonata'; name?: string; expression: string } | { type: 'filter'; name?: string; expression: string };

export type MatcherSpec =
  | { type: 'link' }
  | { type: 'externalId' | 'email' | 'domain' | 'linkedin'; field: string; property: string; lookup?: string }
  | { type: 'fuzzyName'; field: string; property: string; lookup?: string; autoLink?: number; review?: number };

export interface FieldMapSpec {
  from?: string;
  expr?: string;
  to: string;
  owner: OwnershipPolicy;
  /** merge_with_audit only. Default: newest. */
  onConflict?: 'newest' | 'local' | 'crm' | 'reconcile';
  /** A pipeline whose link of the value (a local key) gives the CRM id to write. */
  reference?: string;
}

export interface DeliverySpec {
  batchSize?: number;
  /** Default: 4. */
  concurrency?: number;
  retry?: RetrySpec;
  /** Default: true. */
  deadLetter?: boolean;
}

export interface TargetSpec {
  connector: string;
  object?: string;
  operation?: string;
  /** Operation for records already linked to a target record, when it differs (Pipedrive PATCH). */
  updateOperation?: string;
  table?: string;
  delivery?: DeliverySpec;
}

export interface TenantOverrideSpec {
  disabled?: boolean;
  fields?: Record<string, FieldMapSpec>;
  target?: { object?: string; operation?: string; updateOperation?: string };
}

export interface PipelineSpec {
  source: SourceSpec;
  transforms?: TransformSpec[];
  match?: { rules: MatcherSpec[]; onNoMatch?: 'create' | 'skip' };
  key?: string;
  fields: Record<string, FieldMapSpec>;
  target: TargetSpec;
  correlationId?: string;
  tenants?: Record<string, TenantOverrideSpec>;
}

export interface PipelineDocument {
  apiVersion: string;
  kind: 'Pipeline';
  metadata: Metadata;
  spec: PipelineSpec;
}

export type SpecDocument = ConnectorDocument | PipelineDocument;
