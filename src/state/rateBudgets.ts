/**
 * Rate budgets: one token bucket per (tenant, connection, bucket name) in the database, so that
 * every worker using a connection draws from the same budget. A bucket holds up to `capacity`
 * tokens and refills continuously at `refillPerSecond`; a vendor's headers can lower it or block
 * it until a reset time.
 *
 * `takeTokens` is a single conditional UPDATE on both engines: PostgreSQL re-evaluates it against
 * the latest row version when workers collide, so grants never exceed the budget.
 */
import { toNumber } from './columns.js';
import { StoreError } from './errors.js';
import { runRaw } from './raw.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export interface BudgetKey {
  connection: string;
  /** e.g. `default`, `search` (HubSpot's search endpoints have their own limit). */
  bucket: string;
}

export interface BudgetPolicy {
  /** Most tokens the bucket holds (the burst). */
  capacity: number;
  /** Tokens added per second (e.g. 100 requests per 10 s → 10). */
  refillPerSecond: number;
}

export type TakeResult = { granted: true; remaining: number } | { granted: false; waitMs: number };

export interface BudgetState extends BudgetPolicy {
  tokens: number;
  updatedAt: number;
  blockedUntil: number;
}

function fns(scope: Scope) {
  return scope.dialect === 'postgres' ? { min: 'least', max: 'greatest' } : { min: 'min', max: 'max' };
}

/** Tokens available at `?` (now), refilled since the last update: one bound parameter. */
function available(scope: Scope): string {
  const { min, max } = fns(scope);
  return `${min}(capacity, tokens + ${max}(0, ? - updated_at) * refill_per_sec / 1000.0)`;
}

/** Creates the bucket (full) or changes its policy, keeping at most `capacity` tokens. */
export async function defineBudget(scope: Scope, key: BudgetKey, policy: BudgetPolicy): Promise<void> {
  const t = tables.rateBudgets;
  const { min } = fns(scope);
  await runRaw(
    scope,
    `insert into ${t} (tenant, connection, bucket, capacity, refill_per_sec, tokens, updated_at, blocked_until)
     values (?, ?, ?, ?, ?, ?, ?, 0)
     on conflict (tenant, connection, bucket) do update set
       capacity = excluded.capacity, refill_per_sec = excluded.refill_per_sec,
       tokens = ${min}(${t}.tokens, excluded.capacity)`,
    [scope.tenant, key.connection, key.bucket, policy.capacity, policy.refillPerSecond, policy.capacity, scope.now()],
  );
}

/**
 * Takes `n` tokens if available now. Otherwise nothing is taken and `waitMs` says when to try
 * again. The bucket is created from `policy` on first use.
 */
export async function takeTokens(scope: Scope, key: BudgetKey, n: number, policy: BudgetPolicy): Promise<TakeResult> {
  if (n > policy.capacity) {
    throw new StoreError('rate_budget_request_too_large', `cannot take ${n} tokens from ${key.connection}/${key.bucket}: capacity is ${policy.capacity}`);
  }
  const now = scope.now();
  const { max } = fns(scope);
  const sql = `update ${tables.rateBudgets}
    set tokens = ${available(scope)} - ?, updated_at = ${max}(updated_at, ?)
    where tenant = ? and connection = ? and bucket = ? and blocked_until <= ? and ${available(scope)} >= ?
    returning tokens`;
  const bindings = [now, n, now, scope.tenant, key.connection, key.bucket, now, now, n];
  let { rows } = await runRaw<{ tokens: unknown }>(scope, sql, bindings);
  if (rows[0]) return { granted: true, remaining: Number(rows[0].tokens) };
  let state = await getBudget(scope, key);
  if (!state) {
    await runRaw(
      scope,
      `insert into ${tables.rateBudgets} (tenant, connection, bucket, capacity, refill_per_sec, tokens, updated_at, blocked_until)
       values (?, ?, ?, ?, ?, ?, ?, 0) on conflict (tenant, connection, bucket) do nothing`,
      [scope.tenant, key.connection, key.bucket, policy.capacity, policy.refillPerSecond, policy.capacity, now],
    );
    ({ rows } = await runRaw<{ tokens: unknown }>(scope, sql, bindings));
    if (rows[0]) return { granted: true, remaining: Number(rows[0].tokens) };
    state = await getBudget(scope, key);
  }
  return { granted: false, waitMs: state ? waitFor(state, n, now) : 0 };
}

function waitFor(s: BudgetState, n: number, now: number): number {
  if (s.blockedUntil > now) return s.blockedUntil - now;
  const avail = Math.min(s.capacity, s.tokens + Math.max(0, now - s.updatedAt) * (s.refillPerSecond / 1000));
  if (avail >= n) return 0;
  // A bucket that never refills only reopens through `correctBudget`; poll it now and then.
  if (s.refillPerSecond <= 0) return 60_000;
  return Math.ceil(((n - avail) / s.refillPerSecond) * 1000);
}

export interface BudgetCorrection {
  /** The vendor's count of requests left (e.g. `X-HubSpot-RateLimit-Remaining`). */
  remaining?: number;
  /** When the vendor's window resets, epoch ms; with `remaining: 0` the bucket blocks until then. */
  resetAt?: number;
  /** A 429's `Retry-After`, in ms: the bucket is emptied and blocked that long. */
  retryAfterMs?: number;
}

/**
 * Applies what the vendor says. `remaining` only ever lowers the bucket: headers from concurrent
 * responses arrive out of order, and a stale high count must not unlock requests the vendor
 * would refuse; the refill brings the bucket back up.
 */
export async function correctBudget(scope: Scope, key: BudgetKey, c: BudgetCorrection): Promise<void> {
  const now = scope.now();
  const { min, max } = fns(scope);
  const sets: string[] = [];
  const bindings: unknown[] = [];
  if (c.retryAfterMs !== undefined) {
    sets.push('tokens = 0');
  } else if (c.remaining !== undefined) {
    sets.push(`tokens = ${min}(${available(scope)}, ?)`);
    bindings.push(now, Math.max(0, c.remaining));
  } else {
    sets.push(`tokens = ${available(scope)}`);
    bindings.push(now);
  }
  sets.push(`updated_at = ${max}(updated_at, ?)`);
  bindings.push(now);
  let blockUntil: number | undefined;
  if (c.retryAfterMs !== undefined) blockUntil = now + Math.max(0, Math.ceil(c.retryAfterMs));
  if (c.remaining !== undefined && c.remaining <= 0 && c.resetAt !== undefined) blockUntil = Math.max(blockUntil ?? 0, c.resetAt);
  if (blockUntil !== undefined) {
    sets.push(`blocked_until = ${max}(blocked_until, ?)`);
    bindings.push(blockUntil);
  }
  await runRaw(
    scope,
    `update ${tables.rateBudgets} set ${sets.join(', ')} where tenant = ? and connection = ? and bucket = ?`,
    [...bindings, scope.tenant, key.connection, key.bucket],
  );
}

export async function getBudget(scope: Scope, key: BudgetKey): Promise<BudgetState | undefined> {
  const row = await scope.db(tables.rateBudgets).where({ tenant: scope.tenant, connection: key.connection, bucket: key.bucket }).first();
  if (!row) return undefined;
  return {
    capacity: Number(row.capacity),
    refillPerSecond: Number(row.refill_per_sec),
    tokens: Number(row.tokens),
    updatedAt: toNumber(row.updated_at),
    blockedUntil: toNumber(row.blocked_until),
  };
}
