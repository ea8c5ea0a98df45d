/**
 * What a connector reports about itself. A plain callback interface so the connector does not
 * depend on the telemetry module; the daemon passes an adapter that logs and counts. Labels are
 * names only (connection, object, operation): never tokens, URLs with queries or record data.
 */
export interface ConnectorMetrics {
  /** The rate budget made a call wait `ms` milliseconds before it was sent. */
  rateLimitWait?(e: { connection: string; bucket: string; ms: number }): void;
  /** The vendor answered 429 (or a rate-limit error matched by a rule). */
  rateLimited?(e: { connection: string; operation: string; retryAfterMs?: number }): void;
  /** A transient failure is being retried; `attempt` is the attempt that failed (1-based). */
  retry?(e: { connection: string; operation: string; attempt: number; delayMs: number; code?: string; status?: number }): void;
  /** An access token was refreshed (or the refresh failed). */
  tokenRefresh?(e: { connection: string; outcome: 'ok' | 'failed' }): void;
  /** One HTTP exchange finished. */
  request?(e: { connection: string; operation: string; method: string; status: number | undefined; ms: number }): void;
}
