import type { Knex } from 'knex';

export type Dialect = 'sqlite' | 'postgres';

/** Tells which dialect a knex instance speaks; used by migrations, which receive a bare knex. */
export function dialectOf(knex: Knex): Dialect {
  const client = String((knex.client as { config?: { client?: unknown } }).config?.client ?? '');
  return client === 'pg' || client === 'postgres' || client === 'postgresql' ? 'postgres' : 'sqlite';
}
