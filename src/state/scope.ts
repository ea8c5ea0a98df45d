/**
 * A scope is what every state operation receives first: one tenant, one database handle (the
 * pool or an open transaction) and the clock. Operations read the tenant only from here, so a
 * query cannot be written without it and no operation can reach another tenant's rows.
 */
import type { Knex } from 'knex';
import type { Dialect } from './dialect.js';
import type { SecretBox } from './crypto.js';
import { StoreError } from './errors.js';

export interface Scope {
  readonly tenant: string;
  readonly dialect: Dialect;
  /** The pool, or the open transaction when inside `transaction()`. */
  readonly db: Knex | Knex.Transaction;
  readonly inTransaction: boolean;
  /** Current time in epoch milliseconds (the store's clock). */
  now(): number;
  /**
   * Runs `fn` in one database transaction: everything it writes commits together or not at all.
   * Called inside a transaction, it joins the open one instead of nesting.
   */
  transaction<T>(fn: (tx: Scope) => Promise<T>): Promise<T>;
  /** The credentials cipher; the key is resolved on first use. */
  secretBox(): Promise<SecretBox>;
}

export interface ScopeContext {
  readonly dialect: Dialect;
  readonly knex: Knex;
  readonly clock: () => number;
  readonly secretBox: () => Promise<SecretBox>;
}

const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function createScope(ctx: ScopeContext, tenant: string, trx?: Knex.Transaction): Scope {
  if (!TENANT_PATTERN.test(tenant)) {
    throw new StoreError(
      'invalid_tenant',
      `tenant ${JSON.stringify(tenant)} is not valid: use 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`,
    );
  }
  const scope: Scope = {
    tenant,
    dialect: ctx.dialect,
    db: trx ?? ctx.knex,
    inTransaction: trx !== undefined,
    now: () => Math.floor(ctx.clock()),
    secretBox: ctx.secretBox,
    transaction: async (fn) => {
      if (trx) return fn(scope);
      return ctx.knex.transaction((t) => fn(createScope(ctx, tenant, t)));
    },
  };
  return scope;
}
