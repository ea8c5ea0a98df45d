/**
 * Connections: one tenant's account on one connector (its credentials live in credentials.ts).
 * An auth failure marks the connection `needs_reconnect`; its writes wait (never dropped) and
 * resume when it is reconnected.
 */
import { fromJson, toJson, toNumber } from './columns.js';
import { pauseForAuth, resumeConnection } from './outbox/authPause.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export type ConnectionStatus = 'active' | 'needs_reconnect';

export interface Connection {
  connection: string;
  connector: string;
  status: ConnectionStatus;
  /** Why it needs reconnecting (operator-facing, never a secret). */
  reason: string | null;
  /** Non-secret settings: portal id, instance URL, Composio user id… */
  metadata: unknown;
  statusChangedAt: number;
  createdAt: number;
  updatedAt: number;
}

function fromRow(scope: Scope, r: Record<string, unknown>): Connection {
  return {
    connection: String(r.connection),
    connector: String(r.connector),
    status: r.status as ConnectionStatus,
    reason: (r.reason as string | null) ?? null,
    metadata: fromJson(scope.dialect, r.metadata),
    statusChangedAt: toNumber(r.status_changed_at),
    createdAt: toNumber(r.created_at),
    updatedAt: toNumber(r.updated_at),
  };
}

/** Registers a connection (active) or updates its connector and metadata; the status is kept. */
export async function upsertConnection(scope: Scope, input: { connection: string; connector: string; metadata?: unknown }): Promise<Connection> {
  const now = scope.now();
  const [row] = await scope
    .db(tables.connections)
    .insert({
      tenant: scope.tenant,
      connection: input.connection,
      connector: input.connector,
      status: 'active',
      reason: null,
      metadata: toJson(input.metadata ?? null),
      status_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['tenant', 'connection'])
    .merge(['connector', 'metadata', 'updated_at'])
    .returning('*');
  return fromRow(scope, row);
}

export async function getConnection(scope: Scope, connection: string): Promise<Connection | undefined> {
  const row = await scope.db(tables.connections).where({ tenant: scope.tenant, connection }).first();
  return row ? fromRow(scope, row) : undefined;
}

export async function listConnections(scope: Scope): Promise<Connection[]> {
  const rows = await scope.db(tables.connections).where({ tenant: scope.tenant }).orderBy('connection');
  return rows.map((r: Record<string, unknown>) => fromRow(scope, r));
}

/**
 * Marks the connection as needing reconnect and parks its pending writes plus `inFlightIds` (the
 * batch that met the auth error) as `waiting_auth`, in one transaction. New writes for it are
 * not claimed until `markReconnected`. Creates the connection row if missing. `changed` is false
 * when the connection already needed a reconnect (another batch met the same error first).
 */
export async function markNeedsReconnect(
  scope: Scope,
  input: { connection: string; connector: string; reason: string; inFlightIds?: readonly number[] },
): Promise<{ parked: number; changed: boolean }> {
  return scope.transaction(async (tx) => {
    const now = tx.now();
    // Only the transition counts as a change: a conditional update waits for a concurrent one
    // (PostgreSQL row lock) and then finds the status already set, so two batches failing at once
    // on the same revoked credential mark it once. The first failure's reason and time stay.
    const inserted = await tx
      .db(tables.connections)
      .insert({
        tenant: tx.tenant,
        connection: input.connection,
        connector: input.connector,
        status: 'needs_reconnect',
        reason: input.reason,
        metadata: toJson(null),
        status_changed_at: now,
        created_at: now,
        updated_at: now,
      })
      .onConflict(['tenant', 'connection'])
      .ignore()
      .returning('connection');
    const changed =
      inserted.length > 0 ||
      (await tx
        .db(tables.connections)
        .where({ tenant: tx.tenant, connection: input.connection })
        .whereNot({ status: 'needs_reconnect' })
        .update({ status: 'needs_reconnect', reason: input.reason, status_changed_at: now, updated_at: now })) > 0;
    const parked = await pauseForAuth(tx, input.connection, input.inFlightIds ?? []);
    return { parked, changed };
  });
}

/** Back to active: the waiting writes are due again. Returns how many were resumed. */
export async function markReconnected(scope: Scope, connection: string): Promise<{ resumed: number }> {
  return scope.transaction(async (tx) => {
    const now = tx.now();
    await tx
      .db(tables.connections)
      .where({ tenant: tx.tenant, connection })
      .update({ status: 'active', reason: null, status_changed_at: now, updated_at: now });
    const resumed = await resumeConnection(tx, connection);
    return { resumed };
  });
}
