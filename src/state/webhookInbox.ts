/**
 * The webhook inbox: an event is made durable here before the HTTP 2xx answer, deduplicated by
 * (tenant, connection, event id) so vendor redeliveries and replays are accepted once. Any worker
 * may then claim and process it.
 */
import { ROWS_PER_STATEMENT, IDS_PER_STATEMENT, chunks } from './batching.js';
import { claimRows, type ClaimOptions } from './claiming.js';
import { placeholders } from './raw.js';
import { fromJson, toJson, toNumber, toNumberOrNull } from './columns.js';
import { clipError } from './outbox/rows.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

/** `pending` → `processing` (claimed) → `done`, or `failed` when processing gave up. */
export type InboxStatus = 'pending' | 'processing' | 'done' | 'failed';

export interface InboundEvent {
  /** The connection the webhook was received for (after its signature was verified). */
  connection: string;
  /** The vendor's event id (or a digest of the body when the vendor sends none). */
  eventId: string;
  eventType?: string;
  /** @defaultValue now */
  receivedAt?: number;
  payload: unknown;
}

export interface InboxEvent {
  id: number;
  connection: string;
  eventId: string;
  eventType: string | null;
  receivedAt: number;
  payload: unknown;
  status: InboxStatus;
  attempts: number;
  claimedBy: string | null;
  claimedUntil: number | null;
  processedAt: number | null;
  lastError: string | null;
}

function fromRow(scope: Scope, r: Record<string, unknown>): InboxEvent {
  return {
    id: toNumber(r.id),
    connection: String(r.connection),
    eventId: String(r.event_id),
    eventType: (r.event_type as string | null) ?? null,
    receivedAt: toNumber(r.received_at),
    payload: fromJson(scope.dialect, r.payload),
    status: r.status as InboxStatus,
    attempts: toNumber(r.attempts),
    claimedBy: (r.claimed_by as string | null) ?? null,
    claimedUntil: toNumberOrNull(r.claimed_until),
    processedAt: toNumberOrNull(r.processed_at),
    lastError: (r.last_error as string | null) ?? null,
  };
}

/** Stores one event; `isNew` is false for a redelivery (already in the inbox). */
export async function acceptEvent(scope: Scope, event: InboundEvent): Promise<{ id: number | null; isNew: boolean }> {
  const [result] = await acceptEvents(scope, [event]);
  return result ?? { id: null, isNew: false };
}

/** Stores events (one statement per few hundred); results are in input order. */
export async function acceptEvents(scope: Scope, events: readonly InboundEvent[]): Promise<Array<{ id: number | null; isNew: boolean }>> {
  const now = scope.now();
  const out: Array<{ id: number | null; isNew: boolean }> = [];
  for (const part of chunks(events, ROWS_PER_STATEMENT)) {
    const returned: Array<{ id: unknown; connection: string; event_id: string }> = await scope
      .db(tables.webhookInbox)
      .insert(
        part.map((e) => ({
          tenant: scope.tenant,
          connection: e.connection,
          event_id: e.eventId,
          event_type: e.eventType ?? null,
          received_at: e.receivedAt ?? now,
          payload: toJson(e.payload),
          status: 'pending',
          attempts: 0,
          next_attempt_at: e.receivedAt ?? now,
        })),
      )
      .onConflict(['tenant', 'connection', 'event_id'])
      .ignore()
      .returning(['id', 'connection', 'event_id']);
    const ids = new Map(returned.map((r) => [`${r.connection}\u0000${r.event_id}`, toNumber(r.id)]));
    for (const e of part) {
      const k = `${e.connection}\u0000${e.eventId}`;
      const id = ids.get(k);
      ids.delete(k);
      out.push(id === undefined ? { id: null, isNew: false } : { id, isNew: true });
    }
  }
  return out;
}

/**
 * Claims events to process, oldest first, like the outbox (expired claims are taken over): of one
 * connection and of some event types, when given, so that pipelines reading different events of
 * one connection each take their own.
 */
export async function claimEvents(scope: Scope, options: ClaimOptions & { connection?: string; eventTypes?: readonly string[] }): Promise<InboxEvent[]> {
  const conditions: Array<{ sql: string; bindings: unknown[] }> = [];
  if (options.connection !== undefined) conditions.push({ sql: 'and connection = ?', bindings: [options.connection] });
  if (options.eventTypes !== undefined) {
    if (options.eventTypes.length === 0) return [];
    conditions.push({ sql: `and event_type in (${placeholders(options.eventTypes.length)})`, bindings: [...options.eventTypes] });
  }
  const where = conditions.length ? { sql: conditions.map((c) => c.sql).join(' '), bindings: conditions.flatMap((c) => c.bindings) } : undefined;
  const rows = await claimRows<Record<string, unknown>>(
    scope,
    { table: tables.webhookInbox, pendingStatus: 'pending', claimedStatus: 'processing', hasUpdatedAt: false, where },
    options,
  );
  return rows.map((r) => fromRow(scope, r));
}

export async function completeEvents(scope: Scope, ids: readonly number[]): Promise<number> {
  let n = 0;
  for (const part of chunks(ids, IDS_PER_STATEMENT)) {
    n += await scope
      .db(tables.webhookInbox)
      .where({ tenant: scope.tenant, status: 'processing' })
      .whereIn('id', part)
      .update({ status: 'done', processed_at: scope.now(), claimed_by: null, claimed_until: null, last_error: null });
  }
  return n;
}

/** Processing failed: retry after `delayMs`, or give up (`delayMs` null → `failed`). */
export async function failEvent(scope: Scope, id: number, error: string, delayMs: number | null): Promise<boolean> {
  const now = scope.now();
  const patch =
    delayMs === null
      ? { status: 'failed', processed_at: now }
      : { status: 'pending', next_attempt_at: now + Math.max(0, Math.floor(delayMs)) };
  const n = await scope
    .db(tables.webhookInbox)
    .where({ tenant: scope.tenant, id, status: 'processing' })
    .update({ ...patch, claimed_by: null, claimed_until: null, last_error: clipError(error) });
  return n > 0;
}

/**
 * Deletes, oldest first and at most `limit`, the events processed before `before` and those
 * received before it that no pipeline ever claimed (an event type nothing reads), and returns how
 * many. A vendor's redelivery of a deleted event would be accepted again, so callers keep events
 * longer than any vendor retries or replays them. Failed events stay for an operator to see.
 */
export async function purgeInbox(scope: Scope, before: number, limit: number): Promise<number> {
  const ids = (
    await scope
      .db(tables.webhookInbox)
      .where({ tenant: scope.tenant })
      .andWhere((q) => {
        void q.where({ status: 'done' }).andWhere('processed_at', '<', before);
        void q.orWhere((u) => void u.where({ status: 'pending', attempts: 0 }).andWhere('received_at', '<', before));
      })
      .orderBy('id')
      .limit(limit)
      .pluck('id')
  ).map(toNumber);
  let deleted = 0;
  for (const part of chunks(ids, IDS_PER_STATEMENT)) deleted += await scope.db(tables.webhookInbox).where({ tenant: scope.tenant }).whereIn('id', part).del();
  return deleted;
}

export async function getEvent(scope: Scope, id: number): Promise<InboxEvent | undefined> {
  const row = await scope.db(tables.webhookInbox).where({ tenant: scope.tenant, id }).first();
  return row ? fromRow(scope, row) : undefined;
}
