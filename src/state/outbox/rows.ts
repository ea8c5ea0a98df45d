import { fromJson, toNumber, toNumberOrNull } from '../columns.js';
import type { Dialect } from '../dialect.js';

/**
 * - `pending`: waiting for `next_attempt_at`;
 * - `in_flight`: claimed by `claimed_by` until `claimed_until`;
 * - `done`: written;
 * - `failed`: terminal for this record (mapping or conflict error; a reconciliation item says why);
 * - `dead`: retries exhausted, a dead letter holds it (replayable);
 * - `waiting_auth`: its connection needs reconnecting; goes back to `pending` on reconnect;
 * - `superseded`: never sent; a newer write of the same record, carrying its changes, replaced it.
 */
export type OutboxStatus = 'pending' | 'in_flight' | 'done' | 'failed' | 'dead' | 'waiting_auth' | 'superseded';

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'in_flight', 'done', 'failed', 'dead', 'waiting_auth', 'superseded'];

export interface OutboxRow {
  id: number;
  idempotencyKey: string;
  pipeline: string;
  connection: string;
  operation: string;
  object: string | null;
  recordKey: string;
  payload: unknown;
  contentVersion: string;
  correlationId: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  claimedBy: string | null;
  claimedUntil: number | null;
  lastErrorClass: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export function outboxRowFrom(dialect: Dialect, r: Record<string, unknown>): OutboxRow {
  return {
    id: toNumber(r.id),
    idempotencyKey: String(r.idempotency_key),
    pipeline: String(r.pipeline),
    connection: String(r.connection),
    operation: String(r.operation),
    object: (r.object as string | null) ?? null,
    recordKey: String(r.record_key),
    payload: fromJson(dialect, r.payload),
    contentVersion: String(r.content_version),
    correlationId: (r.correlation_id as string | null) ?? null,
    status: r.status as OutboxStatus,
    attempts: toNumber(r.attempts),
    nextAttemptAt: toNumber(r.next_attempt_at),
    claimedBy: (r.claimed_by as string | null) ?? null,
    claimedUntil: toNumberOrNull(r.claimed_until),
    lastErrorClass: (r.last_error_class as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: toNumber(r.created_at),
    updatedAt: toNumber(r.updated_at),
  };
}

/** Error texts are stored for operators; a vendor body can be huge, so keep the head. */
export function clipError(text: string | undefined | null): string | null {
  if (text === undefined || text === null) return null;
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
