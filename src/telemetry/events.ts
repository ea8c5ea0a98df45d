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

export interface EventDefinition<F extends object> {
  readonly name: string;
  readonly level: EventLevel;
  /** The `msg` of the log line. */
  readonly message: string;
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
        const line: Record<string, unknown> = { event: event.name, ...fields };
        logger[event.level](line, event.message);
      }
    },
  };
}

/** The error classes of DESIGN §3. */
export type ErrorClass = 'transient' | 'auth' | 'mapping' | 'conflict';

export type ConflictClass = 'stale_write' | 'version_conflict' | 'immutable_field' | 'both_changed' | 'mapping';

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

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'skipped';

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export const SyncStarted = defineEvent<SyncFields>({
  name: 'integration.crm.sync_started',
  level: 'info',
  message: 'sync started',
  count(m, f, l) {
    m.syncOperations.inc({ tenant: l(f.tenant), pipeline: l(f.pipeline), outcome: 'started' });
  },
});

export const SyncCompleted = defineEvent<SyncFields & { outcome: WriteOutcome; duration_ms?: number }>({
  name: 'integration.crm.sync_completed',
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

export const RateLimitWait = defineEvent<{ tenant: string; connector: string; wait_ms: number; budget?: string }>({
  name: 'integration.crm.rate_limit_wait',
  level: 'debug',
  message: 'waiting for rate budget',
  count(m, f, l) {
    m.rateLimitWait.observe({ tenant: l(f.tenant), connector: l(f.connector) }, f.wait_ms / 1000);
  },
});

export const RateLimited = defineEvent<{ tenant: string; connector: string; retry_after_ms?: number }>({
  name: 'integration.crm.rate_limited',
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
