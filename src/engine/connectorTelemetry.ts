/**
 * A connector client's callbacks (`ConnectorMetrics`) as telemetry events, so the daemon's logs
 * and `/metrics` show each connection's rate-budget waits, 429s and HTTP exchanges under its
 * tenant and connector name. The connection id never becomes a label: tenants are their own label.
 */
import type { ConnectorMetrics } from '../connectors/metrics.js';
import { HttpRequestCompleted, RateLimited, RateLimitWait, type Telemetry } from '../telemetry/events.js';

export function connectorTelemetry(telemetry: Telemetry, tenant: string, connector: string): ConnectorMetrics {
  return {
    rateLimitWait: (e) => telemetry.emit(RateLimitWait, { tenant, connector, wait_ms: e.ms, ...(e.bucket === 'requests' ? {} : { budget: e.bucket }) }),
    rateLimited: (e) => telemetry.emit(RateLimited, { tenant, connector, ...(e.retryAfterMs !== undefined ? { retry_after_ms: e.retryAfterMs } : {}) }),
    request: (e) =>
      telemetry.emit(HttpRequestCompleted, {
        tenant,
        connector,
        method: e.method,
        ...(e.status !== undefined ? { status: e.status } : {}),
        duration_ms: Math.round(e.ms),
        operation: e.operation,
      }),
  };
}
