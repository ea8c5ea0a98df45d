/**
 * Rate budget state: one JSON value per (tenant, connection, bucket), so that every worker using a
 * connection draws from the same budget. The store does not interpret the value: the budget's
 * arithmetic lives with the connector (a pure function of state, policy and time), and a worker
 * runs it on a row it holds locked — read with `lockBudgetState`, advanced, written back with
 * `saveBudgetState`, all in one short `budgetTransaction` (`updateBudgetState` does the three).
 *
 * PostgreSQL: `select … for update` makes concurrent workers queue on the row, each reading what
 * the previous one committed. A missing row is first inserted empty (`on conflict do nothing`),
 * so two workers seeing none at once still end up serialised on one row instead of both
 * computing from nothing. SQLite: every transaction of the store holds the database's write lock
 * from its `BEGIN IMMEDIATE`, which serialises workers already.
 */
import { fromJson, toJson } from './columns.js';
import { StoreError } from './errors.js';
import { runRaw } from './raw.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export interface BudgetStateKey {
  /** The connection (tenant × connector) whose budget this is. */
  connection: string;
  /** A bucket of the connection (`requests`, `search`, `daily`, or a name the caller reserves). */
  bucket: string;
}

const t = tables.rateBudgets;

function stateOf<T>(scope: Scope, rows: Array<{ state: unknown }>): T | undefined {
  const raw = rows[0]?.state;
  return raw === null || raw === undefined ? undefined : fromJson<T>(scope.dialect, raw);
}

/** The stored state, without locking (undefined when none was saved). */
export async function readBudgetState<T>(scope: Scope, key: BudgetStateKey): Promise<T | undefined> {
  const { rows } = await runRaw<{ state: unknown }>(scope, `select state from ${t} where tenant = ? and connection = ? and bucket = ?`, [
    scope.tenant,
    key.connection,
    key.bucket,
  ]);
  return stateOf<T>(scope, rows);
}

/**
 * Locks the row of `key` until the transaction ends, creating it empty if needed, and returns its
 * state (undefined when none was saved). Only inside `transaction()`: outside one the lock would
 * end with the statement.
 */
export async function lockBudgetState<T>(scope: Scope, key: BudgetStateKey): Promise<T | undefined> {
  if (!scope.inTransaction) throw new StoreError('invalid_state', 'lockBudgetState must run inside a transaction');
  const bindings = [scope.tenant, key.connection, key.bucket];
  const select = `select state from ${t} where tenant = ? and connection = ? and bucket = ?${scope.dialect === 'postgres' ? ' for update' : ''}`;
  let { rows } = await runRaw<{ state: unknown }>(scope, select, bindings);
  if (rows.length === 0) {
    await runRaw(scope, `insert into ${t} (tenant, connection, bucket, state, updated_at) values (?, ?, ?, null, ?) on conflict (tenant, connection, bucket) do nothing`, [
      ...bindings,
      scope.now(),
    ]);
    ({ rows } = await runRaw<{ state: unknown }>(scope, select, bindings));
  }
  return stateOf<T>(scope, rows);
}

/** Stores `state` for `key` (creating the row if needed). */
export async function saveBudgetState(scope: Scope, key: BudgetStateKey, state: unknown): Promise<void> {
  await runRaw(
    scope,
    `insert into ${t} (tenant, connection, bucket, state, updated_at) values (?, ?, ?, ?, ?)
     on conflict (tenant, connection, bucket) do update set state = excluded.state, updated_at = excluded.updated_at`,
    [scope.tenant, key.connection, key.bucket, toJson(state), scope.now()],
  );
}

/**
 * Runs `fn` in one transaction for budget steps (or joins the open one). On PostgreSQL it commits
 * without waiting for the WAL flush (`synchronous_commit = off`): a budget step is taken on every
 * outbound call, the flush would be most of its cost, and a crash of the database loses at most
 * the last few reservations of a budget — the vendor's headers and 429s correct that — while locks
 * and visibility to the other workers stay exactly as with a durable commit.
 */
export async function budgetTransaction<T>(scope: Scope, fn: (tx: Scope) => Promise<T>): Promise<T> {
  if (scope.inTransaction) return fn(scope);
  return scope.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await runRaw(tx, 'set local synchronous_commit to off');
    return fn(tx);
  });
}

/**
 * Advances the state of `key` atomically: `step` receives the current state (undefined when none)
 * and returns the next one and a result, in one `budgetTransaction`.
 * `step` must be synchronous and free of side effects: it runs while the row is locked.
 */
export async function updateBudgetState<T, R>(scope: Scope, key: BudgetStateKey, step: (state: T | undefined) => { state: T; result: R }): Promise<R> {
  return budgetTransaction(scope, async (tx) => {
    const next = step(await lockBudgetState<T>(tx, key));
    await saveBudgetState(tx, key, next.state);
    return next.result;
  });
}
