/**
 * The one error type that leaves a connector. Its `class` decides what the engine does with the
 * failed work (DESIGN §3): transient → retry then dead letter, auth → pause the connection until
 * reconnected, mapping → reconciliation item for that record, conflict → reconciliation item, never
 * retried. Messages are built from the method, the path template and the vendor's own message —
 * never from URLs with query strings, request headers or credentials.
 */
import type { ErrorClass } from '../spec/types.js';

export type { ErrorClass };

export interface ConnectorErrorInit {
  class: ErrorClass;
  /** HTTP status of the failed response, when there was one. */
  status?: number;
  /** The vendor's own message (from the connector's `errorMessage`), scrubbed of secrets. */
  vendorMessage?: string;
  /** How long the vendor asked us to wait (`Retry-After`). */
  retryAfterMs?: number;
  /** Position of the failed record in the `write` input, for per-record failures. */
  recordIndex?: number;
  /** Attempts made before giving up (transient errors that exhausted their retries). */
  attempts?: number;
  /** A short machine code: `timeout`, `ECONNRESET`, `invalid_grant`, `needs_reconnect`, `unknown_field`… */
  code?: string;
  /** `object.operation` (or `auth`) the error came from. */
  operation?: string;
}

export class ConnectorError extends Error {
  readonly class: ErrorClass;
  readonly status?: number;
  readonly vendorMessage?: string;
  readonly retryAfterMs?: number;
  readonly recordIndex?: number;
  readonly attempts?: number;
  readonly code?: string;
  readonly operation?: string;

  constructor(message: string, init: ConnectorErrorInit) {
    super(message);
    this.name = 'ConnectorError';
    this.class = init.class;
    if (init.status !== undefined) this.status = init.status;
    if (init.vendorMessage !== undefined) this.vendorMessage = init.vendorMessage;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.recordIndex !== undefined) this.recordIndex = init.recordIndex;
    if (init.attempts !== undefined) this.attempts = init.attempts;
    if (init.code !== undefined) this.code = init.code;
    if (init.operation !== undefined) this.operation = init.operation;
  }

  /** A copy with some fields replaced (record index, attempts), keeping the message. */
  with(patch: Partial<ConnectorErrorInit>): ConnectorError {
    return new ConnectorError(this.message, { ...this.init(), ...patch });
  }

  init(): ConnectorErrorInit {
    const out: ConnectorErrorInit = { class: this.class };
    for (const k of ['status', 'vendorMessage', 'retryAfterMs', 'recordIndex', 'attempts', 'code', 'operation'] as const) {
      if (this[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = this[k];
    }
    return out;
  }

  /** Plain data for logs, outbox rows and reconciliation items. */
  toJSON(): ConnectorErrorInit & { message: string } {
    return { message: this.message, ...this.init() };
  }
}

export function isConnectorError(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError;
}
