/**
 * The attempt log: one row per attempt to write an outbox row, whatever its outcome. It is also
 * where the audit trail reads a write's outcome (`write.ok`, `write.failed`; see `writeTrail.ts`):
 * one row per attempt, not two.
 */
import { bulkInsert } from './bulkInsert.js';
import { toNumber, toNumberOrNull } from './columns.js';
import { clipError } from './outbox/rows.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export interface DeliveryAttempt {
  outboxId: number;
  /** 1 for the first attempt (the outbox row's `attempts` after claiming). */
  attempt: number;
  /** `ok`, or the failure handling chosen: `retry`, `failed`, `dead`, `waiting_auth`. */
  outcome: string;
  /** HTTP status, when there was a response. */
  statusCode?: number;
  errorClass?: string;
  /** Operator-facing text; never a secret. */
  error?: string;
  durationMs: number;
  worker?: string;
  /** The CRM record written, when the target said or the link knew. */
  remoteId?: string;
  /** Whether the write created the CRM record, when the target said. */
  created?: boolean;
  /** @defaultValue now */
  at?: number;
}

export interface Delivery extends Required<Pick<DeliveryAttempt, 'outboxId' | 'attempt' | 'outcome' | 'durationMs' | 'at'>> {
  id: number;
  statusCode: number | null;
  errorClass: string | null;
  error: string | null;
  worker: string | null;
  remoteId: string | null;
  created: boolean | null;
}

export async function recordDeliveries(scope: Scope, attempts: readonly DeliveryAttempt[]): Promise<void> {
  const now = scope.now();
  await bulkInsert(
    scope,
    {
      table: tables.deliveries,
      columns: ['tenant', 'outbox_id', 'attempt', 'outcome', 'status_code', 'error_class', 'error', 'duration_ms', 'worker', 'remote_id', 'created', 'on_trail', 'at'],
      values: (a: DeliveryAttempt) => [
        scope.tenant,
        a.outboxId,
        a.attempt,
        a.outcome,
        a.statusCode ?? null,
        a.errorClass ?? null,
        clipError(a.error),
        Math.round(a.durationMs),
        a.worker ?? null,
        a.remoteId ?? null,
        a.created === undefined ? null : Number(a.created),
        1,
        a.at ?? now,
      ],
    },
    attempts,
  );
}

export async function listDeliveries(scope: Scope, outboxId: number): Promise<Delivery[]> {
  const rows = await scope.db(tables.deliveries).where({ tenant: scope.tenant, outbox_id: outboxId }).orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({
    id: toNumber(r.id),
    outboxId: toNumber(r.outbox_id),
    attempt: toNumber(r.attempt),
    outcome: String(r.outcome),
    statusCode: toNumberOrNull(r.status_code),
    errorClass: (r.error_class as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    durationMs: toNumber(r.duration_ms),
    worker: (r.worker as string | null) ?? null,
    remoteId: (r.remote_id as string | null) ?? null,
    created: r.created === null || r.created === undefined ? null : Boolean(r.created),
    at: toNumber(r.at),
  }));
}
