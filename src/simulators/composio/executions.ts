/**
 * Every tool execution request the simulator answered (after authentication and the rate
 * limit), with the caller's correlation id, so tests can assert which tools a pipeline ran, as
 * which account, and that each call carried the pipeline's `x-correlation-id`.
 */
import type { ProviderCall } from './provider.js';

export type ExecutionOutcome =
  /** 200 `successful:true`. */
  | 'successful'
  /** 200 `successful:false`: the provider refused the request (4xx). */
  | 'failed'
  /** Refused before running (400/404/410/422/501). */
  | 'rejected'
  /** The provider failed or was unreachable (502), or the simulator failed (500). */
  | 'error';

export interface ExecutionRecord {
  /** `log_id` of the answer, when the tool ran. */
  logId: string | null;
  at: string;
  tool: string;
  /** The version the request resolved to. */
  version: string | null;
  connectedAccountId: string | null;
  userId: string | null;
  /** The request's `x-correlation-id` header. */
  correlationId: string | null;
  outcome: ExecutionOutcome;
  /** HTTP status of the answer. */
  status: number;
  error: string | null;
  arguments: unknown;
  providerCalls: ProviderCall[];
}

export interface ExecutionQuery {
  tool?: string;
  connectedAccountId?: string;
  correlationId?: string;
  outcome?: string;
}

export class ExecutionLog {
  readonly records: ExecutionRecord[] = [];

  add(r: ExecutionRecord): void {
    this.records.push(r);
  }

  clear(): void {
    this.records.length = 0;
  }

  query(q: ExecutionQuery): ExecutionRecord[] {
    return this.records.filter(
      (r) =>
        (!q.tool || r.tool === q.tool) &&
        (!q.connectedAccountId || r.connectedAccountId === q.connectedAccountId) &&
        (!q.correlationId || r.correlationId === q.correlationId) &&
        (!q.outcome || r.outcome === q.outcome),
    );
  }
}
