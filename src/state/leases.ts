/**
 * Leases: named, expiring ownership, so that each source is polled by exactly one worker among
 * several processes sharing PostgreSQL. A lease is a row (tenant, name) with a holder and an
 * expiry; an expired lease is taken over by the next `acquireLease`. The `token` grows on every
 * change of holder, so work stamped with an older token can be recognised as stale (fencing).
 *
 * Acquisition is one atomic upsert on both engines: concurrent callers race on the primary key
 * and exactly one of them wins.
 */
import { toNumber } from './columns.js';
import { runRaw } from './raw.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export interface Lease {
  name: string;
  holder: string;
  token: number;
  acquiredAt: number;
  expiresAt: number;
}

export type LeaseResult = { acquired: true; lease: Lease } | { acquired: false; holder: string; expiresAt: number };

function fromRow(r: Record<string, unknown>): Lease {
  return {
    name: String(r.name),
    holder: String(r.holder),
    token: toNumber(r.token),
    acquiredAt: toNumber(r.acquired_at),
    expiresAt: toNumber(r.expires_at),
  };
}

/** Takes the lease if it is free, expired, or already held by `holder` (then extends it). */
export async function acquireLease(scope: Scope, name: string, holder: string, ttlMs: number): Promise<LeaseResult> {
  const now = scope.now();
  const t = tables.leases;
  const { rows } = await runRaw<Record<string, unknown>>(
    scope,
    `insert into ${t} (tenant, name, holder, token, acquired_at, expires_at) values (?, ?, ?, 1, ?, ?)
     on conflict (tenant, name) do update set
       token = case when ${t}.holder = excluded.holder then ${t}.token else ${t}.token + 1 end,
       acquired_at = case when ${t}.holder = excluded.holder then ${t}.acquired_at else excluded.acquired_at end,
       holder = excluded.holder,
       expires_at = excluded.expires_at
     where ${t}.holder = excluded.holder or ${t}.expires_at <= ?
     returning *`,
    [scope.tenant, name, holder, now, now + Math.max(1, Math.floor(ttlMs)), now],
  );
  if (rows[0]) return { acquired: true, lease: fromRow(rows[0]) };
  const current = await getLease(scope, name);
  // Released between the two statements: report it as held by nobody; the caller retries.
  return { acquired: false, holder: current?.holder ?? '', expiresAt: current?.expiresAt ?? now };
}

/**
 * Extends a lease still held by `holder` (even if past its expiry, as long as nobody took it
 * over). Returns the lease, or undefined when it was lost.
 */
export async function renewLease(scope: Scope, name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
  const now = scope.now();
  const [row] = await scope
    .db(tables.leases)
    .where({ tenant: scope.tenant, name, holder })
    .update({ expires_at: now + Math.max(1, Math.floor(ttlMs)) })
    .returning('*');
  return row ? fromRow(row) : undefined;
}

/** Gives the lease up so another worker need not wait for its expiry. */
export async function releaseLease(scope: Scope, name: string, holder: string): Promise<boolean> {
  return (await scope.db(tables.leases).where({ tenant: scope.tenant, name, holder }).del()) > 0;
}

export async function getLease(scope: Scope, name: string): Promise<Lease | undefined> {
  const row = await scope.db(tables.leases).where({ tenant: scope.tenant, name }).first();
  return row ? fromRow(row) : undefined;
}
