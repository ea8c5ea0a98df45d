/**
 * Named telemetry events. Each event is one definition (name, level, message, fields) with one
 * `emit()` that both writes the structured log line and moves the metrics the event stands for, so
 * what is logged and what is counted cannot drift apart. Code elsewhere emits these events instead
 * of calling the logger directly.
 *
 * Log fields are snake_case and the event name is in `event`. Free-form values (error messages,
 * error objects) go through the logger's redaction; metric labels go through `labelValue`.
 */
import type { Logger } from './logger.js';
import { labelValue, type SyncdMetrics } from './metrics.js';
import { processSecrets, type SecretRegistry } from './secrets.js';

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** One description per field, every field required: the list cannot fall behind the type. */
export type FieldDocs<F extends object> = { readonly [K in keyof Required<F>]: string };

export interface EventDefinition<F extends object> {
  readonly name: string;
  readonly level: EventLevel;
  /** The `msg` of the log line. */
  readonly message: string;
  /** The fields the log line carries, with what each means. Anything else passed to `emit` is not logged. */
  readonly fields: FieldDocs<F>;
  /** Moves the metrics this event stands for; `label` makes a field safe as a label value. */
  count(metrics: SyncdMetrics, fields: F, label: (value: string | undefined) => string): void;
}

export function defineEvent<F extends object>(definition: EventDefinition<F>): EventDefinition<F> {
  return Object.freeze(definition);
}

export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: SyncdMetrics;
  emit<F extends object>(event: EventDefinition<F>, fields: F): void;
}

export interface TelemetryOptions {
  logger: Logger;
  metrics: SyncdMetrics;
  /** Registry used to scrub label values. @defaultValue the process-wide registry */
  secrets?: SecretRegistry;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { logger, metrics } = options;
  const secrets = options.secrets ?? processSecrets;
  const label = (value: string | undefined) => labelValue(value, secrets);
  return {
    logger,
    metrics,
    emit(event, fields) {
      event.count(metrics, fields, label);
      if (logger.isLevelEnabled(event.level)) {
        const line: Record<string, unknown> = { event: event.name };
        for (const key of Object.keys(event.fields)) {
          const value = (fields as Record<string, unknown>)[key];
          if (value !== undefined) line[key] = value;
        }
        logger[event.level](line, event.message);
      }
    },
  };
}

/** The error classes of DESIGN §3. */
export type ErrorClass = 'transient' | 'auth' | 'mapping' | 'conflict';

/**
 * What a reconciliation item is about: both sides changed a field; a field that may not change
 * after binding did; a value the mapping could not carry; the target refused a write as a
 * conflict; a CRM record holds the external id of a match an operator rejected; a merge
 * overwrote a change one side had made (drift, for an operator to look at).
 */
export type ConflictClass = 'both_changed' | 'immutable_field' | 'mapping' | 'target_refused' | 'rejected_match' | 'duplicate_record' | 'deleted_record' | 'drift';

/** Why a webhook request was refused. */
export type WebhookRejectReason =
  | 'unknown_connection'
  | 'missing_signature'
  | 'missing_timestamp'
  | 'invalid_timestamp'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'missing_credentials'
  | 'bad_credentials'
  | 'body_too_large'
  | 'invalid_payload';

/** Identifies one per-record sync operation across its log lines. */
export interface SyncFields {
  tenant: string;
  pipeline: string;
  /** The record's id in the source (the local quote id in the quote scenario). */
  record_id: string;
  /** Present when the record is a quote. */
  quote_id?: string;
  /** One attempt to carry one record version to its target. */
  operation_id: string;
  /** Ties the operation to what triggered it (a webhook delivery, a poll run, an operator command). */
  correlation_id: string;
  connector?: string;
}

const syncFieldDocs: FieldDocs<SyncFields> = {
  tenant: 'tenant the record belongs to',
  pipeline: 'pipeline name',
  record_id: "the record's id in the source",
  quote_id: 'the local quote id, when the record is a quote',
  operation_id: 'one attempt to carry one record version to its target',
  correlation_id: 'what triggered the operation (webhook delivery, poll run, operator command)',
  connector: 'target connector',
};

const errorDocs = {
  error_class: 'transient, auth, mapping or conflict',
  error: 'the error, redacted',
} as const;

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'skipped';

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export const SyncStarted = defineEvent<SyncFields>({
  name: 'integration.crm.sync_started',
  fields: syncFieldDocs,
  level: 'info',
  message: 'sync started',
  count(m, f, l) {
    m.syncOperations.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), outcome: 'started' });
  },
});

export const SyncCompleted = defineEvent<SyncFields & { outcome: WriteOutcome; duration_ms?: number }>({
  name: 'integration.crm.sync_completed',
  fields: { ...syncFieldDocs, outcome: 'created, updated, unchanged, deleted or skipped', duration_ms: 'time from start to completion' },
  level: 'info',
  message: 'sync completed',
  count(m, f, l) {
    m.syncOperations.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), outcome: 'completed' });
    m.recordsWritten.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), connector: l(f.connector), outcome: f.outcome });
    const s = seconds(f.duration_ms);
    if (s !== undefined) m.syncDuration.observe({ tenant: l(f.tenant), pipeline: l(f.pipeline), outcome: 'completed' }, s);
  },
});

export const SyncFailed = defineEvent<SyncFields & { error_class: ErrorClass; error: unknown; duration_ms?: number }>({
  name: 'integration.crm.sync_failed',
  fields: { ...syncFieldDocs, ...errorDocs, duration_ms: 'time from start to failure' },
  level: 'error',
  message: 'sync failed',
  count(m, f, l) {
    m.syncOperations.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), outcome: 'failed' });
    m.recordsWritten.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), connector: l(f.connector), outcome: 'failed' });
    const s = seconds(f.duration_ms);
    if (s !== undefined) m.syncDuration.observe({ tenant: l(f.tenant), pipeline: l(f.pipeline), outcome: 'failed' }, s);
  },
});

export const WriteRetried = defineEvent<
  SyncFields & { connector: string; error_class: ErrorClass; attempt: number; delay_ms: number; error?: unknown }
>({
  name: 'integration.crm.write_retried',
  fields: { ...syncFieldDocs, ...errorDocs, attempt: 'the attempt about to be made (2 for the first retry)', delay_ms: 'backoff before it' },
  level: 'warn',
  message: 'write retried',
  count(m, f, l) {
    m.writeRetries.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), connector: l(f.connector), class: f.error_class });
  },
});

export const DeadLettered = defineEvent<
  SyncFields & { connector: string; error_class: ErrorClass; attempts: number; error?: unknown }
>({
  name: 'integration.crm.dead_lettered',
  fields: { ...syncFieldDocs, ...errorDocs, attempts: 'attempts made before giving up' },
  level: 'error',
  message: 'write moved to the dead letter queue',
  count(m, f, l) {
    m.deadLettered.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), connector: l(f.connector), class: f.error_class });
    m.recordsWritten.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), connector: l(f.connector), outcome: 'dead_lettered' });
  },
});

export const ConflictOpened = defineEvent<{
  tenant: string;
  pipeline: string;
  record_id: string;
  quote_id?: string;
  operation_id?: string;
  correlation_id?: string;
  conflict_class: ConflictClass;
  /** The field in conflict, when one field is the cause. */
  field?: string;
  reconciliation_id?: string;
}>({
  name: 'integration.crm.conflict_opened',
  fields: {
    tenant: syncFieldDocs.tenant,
    pipeline: syncFieldDocs.pipeline,
    record_id: syncFieldDocs.record_id,
    quote_id: syncFieldDocs.quote_id,
    operation_id: syncFieldDocs.operation_id,
    correlation_id: syncFieldDocs.correlation_id,
    conflict_class: 'both_changed, immutable_field, mapping, target_refused, rejected_match, duplicate_record or drift',
    field: 'the field in conflict, when one field is the cause',
    reconciliation_id: 'the reconciliation item opened',
  },
  level: 'warn',
  message: 'conflict opened',
  count(m, f, l) {
    m.conflicts.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), class: f.conflict_class });
  },
});

export const ConnectionNeedsReconnect = defineEvent<{
  tenant: string;
  connector: string;
  /** What the vendor answered, e.g. `401` or `revoked`. Never the credential. */
  reason: string;
  status?: number;
}>({
  name: 'integration.crm.connection_needs_reconnect',
  fields: { tenant: 'tenant', connector: 'connector of the connection', reason: 'what the vendor answered', status: 'HTTP status, when there was one' },
  level: 'error',
  message: 'connection needs reconnect',
  count(m, f, l) {
    m.reconnectRequired.inc({ tenant: l(f.tenant), connector: l(f.connector) });
  },
});

export const WebhookEventReceived = defineEvent<{
  tenant: string;
  connection: string;
  event_id: string;
  outcome: 'accepted' | 'duplicate';
  correlation_id?: string;
}>({
  name: 'integration.crm.webhook_received',
  fields: { tenant: 'tenant', connection: 'connection name', event_id: 'replay key of the event', outcome: 'accepted or duplicate', correlation_id: 'id of the delivery request' },
  level: 'debug',
  message: 'webhook event received',
  count(m, f, l) {
    m.webhookEvents.inc({ tenant: l(f.tenant), connection: l(f.connection), outcome: f.outcome });
  },
});

export const WebhookRejected = defineEvent<{
  tenant: string;
  connection: string;
  reason: WebhookRejectReason;
  status: number;
  /** The request path, for the log only (it may name a connection that does not exist). */
  path?: string;
  remote_address?: string;
}>({
  name: 'integration.crm.webhook_rejected',
  fields: { tenant: 'tenant, empty for an unknown endpoint', connection: 'connection, empty for an unknown endpoint', reason: 'which check failed', status: 'HTTP status answered', path: 'request path, without query', remote_address: 'client address' },
  level: 'warn',
  message: 'webhook rejected',
  count(m, f, l) {
    // Route parameters of an unknown connection are attacker-chosen: they must not mint label values.
    const known = f.reason !== 'unknown_connection';
    m.webhookRejected.inc({
      tenant: known ? l(f.tenant) : '',
      connection: known ? l(f.connection) : '',
      reason: f.reason,
    });
  },
});

export const OutboxPurged = defineEvent<{ tenant: string; rows: number; keep_ms: number }>({
  name: 'integration.crm.outbox_purged',
  fields: { tenant: 'tenant', rows: 'done writes moved from the outbox to the audit trail', keep_ms: 'how long done writes stay in the outbox' },
  level: 'info',
  message: 'done writes moved from the outbox to the audit trail',
  // The outbox depth gauges already show the effect; the log line says when and how much.
  count() {},
});

export const WebhookSubscriptionsReconciled = defineEvent<{ tenant: string; connection: string; created: number; kept: number; deleted: number }>({
  name: 'integration.crm.webhook_subscriptions_reconciled',
  fields: { tenant: 'tenant', connection: 'connection', created: 'subscriptions registered now', kept: 'subscriptions already registered as wanted', deleted: 'stale subscriptions of syncd removed' },
  level: 'info',
  message: 'webhook subscriptions reconciled',
  count() {},
});

export const WebhookSubscriptionsFailed = defineEvent<{ tenant: string; connection: string; error: string }>({
  name: 'integration.crm.webhook_subscriptions_failed',
  fields: { tenant: 'tenant', connection: 'connection', error: 'why, secrets scrubbed' },
  level: 'warn',
  message: 'webhook subscriptions could not be reconciled; retried in a minute',
  count() {},
});

export const InboxPurged = defineEvent<{ tenant: string; events: number }>({
  name: 'integration.crm.inbox_purged',
  fields: { tenant: 'tenant', events: 'webhook and change events deleted from the inbox: processed, or of a type no pipeline claimed' },
  level: 'info',
  message: 'processed events deleted from the inbox',
  count() {},
});

export const ChangeStreamConnected = defineEvent<{ tenant: string; connector: string; object: string; from: string }>({
  name: 'integration.crm.change_stream_connected',
  fields: { tenant: 'tenant', connector: 'connector', object: 'object whose changes are read', from: 'where it reads from: `replay-id` (after the stored one), `latest` (changes from now on), `earliest` (every retained event, after a gap)' },
  level: 'info',
  message: 'change stream connected',
  count(m, f, l) {
    m.changeStreamUp.set({ tenant: l(f.tenant), connector: l(f.connector), object: l(f.object) }, 1);
  },
});

export const ChangeEventsReceived = defineEvent<{ tenant: string; connector: string; object: string; stored: number; skipped: number; unlisted: number }>({
  name: 'integration.crm.change_events_received',
  fields: { tenant: 'tenant', connector: 'connector', object: 'object', stored: 'events stored in the inbox (a row per record id)', skipped: 'events of a change type no pipeline reads, or syncd\'s own writes', unlisted: 'events naming no single records' },
  level: 'debug',
  message: 'change events stored in the inbox',
  count(m, f, l) {
    const labels = { tenant: l(f.tenant), connector: l(f.connector), object: l(f.object) };
    if (f.stored) m.changeEvents.inc({ ...labels, outcome: 'stored' }, f.stored);
    if (f.skipped) m.changeEvents.inc({ ...labels, outcome: 'skipped' }, f.skipped);
    if (f.unlisted) m.changeEvents.inc({ ...labels, outcome: 'unlisted' }, f.unlisted);
  },
});

export const ChangeStreamDisconnected = defineEvent<{ tenant: string; connector: string; object: string; error: string; retry_in_ms: number }>({
  name: 'integration.crm.change_stream_disconnected',
  fields: { tenant: 'tenant', connector: 'connector', object: 'object', error: 'why, secrets scrubbed', retry_in_ms: 'wait before reconnecting' },
  level: 'warn',
  message: 'change stream disconnected; reconnecting from the stored replay id',
  count(m, f, l) {
    m.changeStreamUp.set({ tenant: l(f.tenant), connector: l(f.connector), object: l(f.object) }, 0);
  },
});

export const ChangeStreamGap = defineEvent<{ tenant: string; connector: string; object: string; reason: string; since: string | null }>({
  name: 'integration.crm.change_stream_gap',
  fields: { tenant: 'tenant', connector: 'connector', object: 'object', reason: 'why the stored replay id was refused', since: 'commit time of the last event stored; changes after it may be missing until a backfill' },
  level: 'error',
  message: 'change stream could not resume where it stopped; it goes on from the earliest retained event, run a backfill of a polling pipeline from `since`',
  count() {},
});

export const ChangeStreamUnlisted = defineEvent<{ tenant: string; connector: string; object: string; change_type: string; record_ids: string; at: string }>({
  name: 'integration.crm.change_stream_unlisted',
  fields: { tenant: 'tenant', connector: 'connector', object: 'object', change_type: 'change type (GAP_OVERFLOW)', record_ids: 'ids or wildcards as sent', at: 'commit time' },
  level: 'warn',
  message: 'change event names no single records (an overflow); run a backfill of a polling pipeline from `at`',
  count() {},
});

export const RateLimitWait = defineEvent<{ tenant: string; connector: string; wait_ms: number; budget?: string }>({
  name: 'integration.crm.rate_limit_wait',
  fields: { tenant: 'tenant', connector: 'connector', wait_ms: 'time waited', budget: 'which budget (e.g. search)' },
  level: 'debug',
  message: 'waiting for rate budget',
  count(m, f, l) {
    m.rateLimitWait.observe({ tenant: l(f.tenant), connector: l(f.connector) }, f.wait_ms / 1000);
  },
});

export const RateLimited = defineEvent<{ tenant: string; connector: string; retry_after_ms?: number }>({
  name: 'integration.crm.rate_limited',
  fields: { tenant: 'tenant', connector: 'connector', retry_after_ms: 'the Retry-After the vendor sent, if any' },
  level: 'warn',
  message: 'vendor answered 429',
  count(m, f, l) {
    m.rateLimited.inc({ tenant: l(f.tenant), connector: l(f.connector) });
  },
});

export const RecordsRead = defineEvent<{
  tenant: string;
  pipeline: string;
  connector: string;
  count: number;
  outcome: 'read' | 'skipped' | 'invalid';
  correlation_id?: string;
}>({
  name: 'integration.crm.records_read',
  fields: { tenant: 'tenant', pipeline: 'pipeline', connector: 'source connector', count: 'records in this batch', outcome: 'read, skipped or invalid', correlation_id: 'the poll run' },
  level: 'debug',
  message: 'records read',
  count(m, f, l) {
    m.recordsRead.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), connector: l(f.connector), outcome: f.outcome }, f.count);
  },
});

export const HttpRequestCompleted = defineEvent<{
  tenant: string;
  connector: string;
  method: string;
  /** The HTTP status, absent when no response arrived (timeout, reset). */
  status?: number;
  duration_ms: number;
  /** The connector operation, e.g. `contacts.batchUpsert`. */
  operation?: string;
}>({
  name: 'integration.http.request_completed',
  fields: { tenant: 'tenant', connector: 'connector', method: 'HTTP method', status: 'HTTP status, absent without a response', duration_ms: 'time to the response', operation: 'connector operation' },
  level: 'debug',
  message: 'http request completed',
  count(m, f, l) {
    m.httpRequestDuration.observe({ tenant: l(f.tenant), connector: l(f.connector), outcome: statusOutcome(f.status) }, f.duration_ms / 1000);
  },
});

export const ServerRequestFailed = defineEvent<{
  /** The route pattern, e.g. `/webhooks/:tenant/:connection`; `unmatched` when no route matched. */
  route: string;
  method: string;
  status: number;
  error: unknown;
}>({
  name: 'integration.server.request_failed',
  fields: { route: 'route pattern', method: 'HTTP method', status: 'HTTP status answered', error: 'the error, redacted' },
  level: 'error',
  message: 'request failed',
  count(m, f) {
    m.serverErrors.inc({ route: f.route });
  },
});

function statusOutcome(status: number | undefined): string {
  if (status === undefined) return 'error';
  if (status === 429) return '429';
  return `${Math.floor(status / 100)}xx`;
}
