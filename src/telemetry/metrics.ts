/**
 * The daemon's Prometheus metrics, in a registry of their own (never prom-client's global one, so
 * several daemons or tests in one process do not collide).
 *
 * Labels are bounded by configuration: tenant, pipeline, connector / connection, and a small closed
 * set of outcomes, classes and reasons. Never a record id, an event id, a URL or a secret.
 * Counters are normally moved by the named events of `events.ts`, not directly.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { processSecrets, type SecretRegistry } from './secrets.js';

export interface MetricsOptions {
  /** Prefix of every metric name. @defaultValue `'syncd_'` */
  prefix?: string;
  /** Also export Node.js process metrics (CPU, memory, event loop lag). @defaultValue `true` */
  processMetrics?: boolean;
}

/** One pipeline's outbox, as read from the store when `/metrics` is scraped. */
export interface OutboxSnapshot {
  tenant: string;
  pipeline: string;
  /** Pending writes. */
  depth: number;
  /** Age of the oldest pending write, in seconds; 0 when the outbox is empty. */
  oldestAgeSeconds: number;
  /** Records waiting for a record they reference to be linked. Default: 0. */
  awaitingReference?: number;
}

export type OutboxProvider = () => OutboxSnapshot[] | Promise<OutboxSnapshot[]>;

export interface SyncdMetrics {
  readonly registry: Registry;
  /** Source records read, by outcome (`read`, `skipped`, `invalid`). */
  readonly recordsRead: Counter<'tenant' | 'pipeline' | 'connector' | 'outcome'>;
  /** Target writes, by outcome (`created`, `updated`, `unchanged`, `failed`, `dead_lettered`). */
  readonly recordsWritten: Counter<'tenant' | 'pipeline' | 'connector' | 'outcome'>;
  /** Per-record sync operations, by outcome (`started`, `completed`, `failed`). */
  readonly syncOperations: Counter<'tenant' | 'pipeline' | 'outcome'>;
  /** Duration of completed or failed sync operations. */
  readonly syncDuration: Histogram<'tenant' | 'pipeline' | 'outcome'>;
  /** Reconciliation items opened, by class (`ConflictClass`: `both_changed`, `immutable_field`, `mapping`, `target_refused`, `rejected_match`, `duplicate_record`, `deleted_record`, `drift`). */
  readonly conflicts: Counter<'tenant' | 'pipeline' | 'class'>;
  /** Write retries scheduled, by error class. */
  readonly writeRetries: Counter<'tenant' | 'pipeline' | 'connector' | 'class'>;
  /** Writes moved to the dead letter queue, by error class. */
  readonly deadLettered: Counter<'tenant' | 'pipeline' | 'connector' | 'class'>;
  /** Pending outbox writes (set from the store at scrape time). */
  readonly outboxDepth: Gauge<'tenant' | 'pipeline'>;
  /** Age of the oldest pending outbox write (set from the store at scrape time). */
  readonly outboxOldestAge: Gauge<'tenant' | 'pipeline'>;
  /** Records waiting for a record they reference to be linked (set from the store at scrape time). */
  recordsAwaitingReference: Gauge<'tenant' | 'pipeline'>;
  /** Time spent waiting for rate budget before a request. */
  readonly rateLimitWait: Histogram<'tenant' | 'connector'>;
  /** 429 responses received from a vendor. */
  readonly rateLimited: Counter<'tenant' | 'connector'>;
  /** Connections marked as needing reconnect (auth failures). */
  readonly reconnectRequired: Counter<'tenant' | 'connector'>;
  /** Webhook events received (after verification, before deduplication), by outcome (`accepted`, `duplicate`). */
  readonly webhookEvents: Counter<'tenant' | 'connection' | 'outcome'>;
  /** Webhook requests rejected, by reason. */
  readonly webhookRejected: Counter<'tenant' | 'connection' | 'reason'>;
  /** 1 while a change stream is open, 0 while it reconnects. */
  readonly changeStreamUp: Gauge<'tenant' | 'connector' | 'object'>;
  /** Change events received, by outcome (`stored`, `skipped`: a change type no pipeline reads or syncd's own write, `unlisted`: no single records named). */
  readonly changeEvents: Counter<'tenant' | 'connector' | 'object' | 'outcome'>;
  /** Outbound HTTP request durations per connector, by outcome (`2xx`, `4xx`, `429`, `5xx`, `error`). */
  readonly httpRequestDuration: Histogram<'tenant' | 'connector' | 'outcome'>;
  /** Requests to the daemon's own HTTP port that failed with a 5xx, by route pattern. */
  readonly serverErrors: Counter<'route'>;
  /**
   * Sets where the outbox gauges read from. The provider is called at most once per scrape
   * (both gauges share the result), so it can afford a store query.
   */
  observeOutbox(provider: OutboxProvider): void;
}

export function createMetrics(options: MetricsOptions = {}): SyncdMetrics {
  const prefix = options.prefix ?? 'syncd_';
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix });

  const counter = <K extends string>(name: string, help: string, labelNames: readonly K[]) =>
    new Counter<K>({ name: prefix + name, help, labelNames, registers: [registry] });
  const histogram = <K extends string>(name: string, help: string, labelNames: readonly K[], buckets: number[]) =>
    new Histogram<K>({ name: prefix + name, help, labelNames, buckets, registers: [registry] });

  let provider: OutboxProvider | undefined;
  let shared: { at: number; snapshot: Promise<OutboxSnapshot[]> } | undefined;
  const snapshot = (): Promise<OutboxSnapshot[]> => {
    const now = Date.now();
    // The gauges are collected within one scrape; share one provider call between them.
    if (!shared || now - shared.at > 1000) shared = { at: now, snapshot: Promise.resolve().then(() => provider?.() ?? []) };
    return shared.snapshot;
  };
  const outboxGauge = (name: string, help: string, pick: (s: OutboxSnapshot) => number) =>
    new Gauge<'tenant' | 'pipeline'>({
      name: prefix + name,
      help,
      labelNames: ['tenant', 'pipeline'],
      registers: [registry],
      async collect() {
        this.reset();
        if (!provider) return;
        let rows: OutboxSnapshot[];
        try {
          rows = await snapshot();
        } catch {
          // An unreachable store must not break the scrape; /readyz reports it.
          shared = undefined;
          return;
        }
        for (const row of rows) this.set({ tenant: row.tenant, pipeline: row.pipeline }, pick(row));
      },
    });

  const durationBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    recordsRead: counter('records_read_total', 'Source records read, by outcome.', ['tenant', 'pipeline', 'connector', 'outcome']),
    recordsWritten: counter('records_written_total', 'Target writes, by outcome.', ['tenant', 'pipeline', 'connector', 'outcome']),
    syncOperations: counter('sync_operations_total', 'Per-record sync operations, by outcome.', ['tenant', 'pipeline', 'outcome']),
    syncDuration: histogram('sync_duration_seconds', 'Duration of finished sync operations.', ['tenant', 'pipeline', 'outcome'], durationBuckets),
    conflicts: counter('conflicts_total', 'Conflicts opened, by class.', ['tenant', 'pipeline', 'class']),
    writeRetries: counter('write_retries_total', 'Write retries scheduled, by error class.', ['tenant', 'pipeline', 'connector', 'class']),
    deadLettered: counter('dead_lettered_total', 'Writes moved to the dead letter queue, by error class.', ['tenant', 'pipeline', 'connector', 'class']),
    outboxDepth: outboxGauge('outbox_queue_depth', 'Pending outbox writes.', (s) => s.depth),
    outboxOldestAge: outboxGauge('outbox_oldest_age_seconds', 'Age of the oldest pending outbox write.', (s) => s.oldestAgeSeconds),
    recordsAwaitingReference: outboxGauge('records_awaiting_reference', 'Records waiting for a record they reference to be linked.', (s) => s.awaitingReference ?? 0),
    rateLimitWait: histogram('rate_limit_wait_seconds', 'Time spent waiting for rate budget.', ['tenant', 'connector'], [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60]),
    rateLimited: counter('rate_limited_responses_total', '429 responses received from a vendor.', ['tenant', 'connector']),
    reconnectRequired: counter('connection_reconnect_required_total', 'Connections marked as needing reconnect.', ['tenant', 'connector']),
    webhookEvents: counter('webhook_events_received_total', 'Verified webhook events, by outcome.', ['tenant', 'connection', 'outcome']),
    webhookRejected: counter('webhook_requests_rejected_total', 'Webhook requests rejected, by reason.', ['tenant', 'connection', 'reason']),
    changeStreamUp: new Gauge<'tenant' | 'connector' | 'object'>({ name: prefix + 'change_stream_up', help: '1 while a change stream is open, 0 while it reconnects.', labelNames: ['tenant', 'connector', 'object'], registers: [registry] }),
    changeEvents: counter('change_events_received_total', 'Change events received, by outcome.', ['tenant', 'connector', 'object', 'outcome']),
    httpRequestDuration: histogram('http_request_duration_seconds', 'Outbound HTTP request durations per connector.', ['tenant', 'connector', 'outcome'], durationBuckets),
    serverErrors: counter('server_errors_total', 'Requests to the HTTP port that failed with a 5xx.', ['route']),
    observeOutbox(p) {
      provider = p;
      shared = undefined;
    },
  };
}

/** Longest label value kept; longer values are cut (labels are names from configuration, not data). */
export const MAX_LABEL_LENGTH = 128;

/** Makes a value safe to use as a label: secrets scrubbed, length bounded. */
export function labelValue(value: string | undefined, secrets: SecretRegistry = processSecrets): string {
  if (value === undefined) return '';
  const clean = secrets.redact(value);
  return clean.length > MAX_LABEL_LENGTH ? clean.slice(0, MAX_LABEL_LENGTH) : clean;
}

/** The Prometheus text exposition of `metrics`, with registered secret values scrubbed as a last guard. */
export async function renderMetrics(metrics: SyncdMetrics, secrets: SecretRegistry = processSecrets): Promise<string> {
  return secrets.redact(await metrics.registry.metrics());
}
