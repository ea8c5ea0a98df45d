/**
 * Rate budgets become one opaque JSON state per (tenant, connection, bucket), read under a row
 * lock, advanced by the connector's bucket arithmetic and written back (`rateBudgets.ts`), instead
 * of a token bucket computed in SQL: the connector's paced buckets, vendor window corrections,
 * quotas and pauses are not a token bucket, and keeping one algorithm for one process and for many
 * workers means the database only stores its state.
 *
 * The old table held no lasting data (a budget refills within its window; nothing called it), so
 * it is replaced, not converted, and `down` restores the old shape empty.
 */
import type { Knex } from 'knex';
import { jsonColumn } from '../columns.js';
import { dialectOf } from '../dialect.js';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function up(knex: Knex): Promise<void> {
  const dialect = dialectOf(knex);
  await knex.schema.dropTable(tables.rateBudgets);
  await knex.schema.createTable(tables.rateBudgets, (t) => {
    t.text('tenant').notNullable();
    t.text('connection').notNullable();
    t.text('bucket').notNullable();
    // Null while a row exists only to be locked (created by the first worker to need it).
    jsonColumn(t, dialect, 'state');
    t.bigInteger('updated_at').notNullable();
    t.primary(['tenant', 'connection', 'bucket']);
  });
}

async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable(tables.rateBudgets);
  await knex.schema.createTable(tables.rateBudgets, (t) => {
    t.text('tenant').notNullable();
    t.text('connection').notNullable();
    t.text('bucket').notNullable();
    t.double('capacity').notNullable();
    t.double('refill_per_sec').notNullable();
    t.double('tokens').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('blocked_until').notNullable();
    t.primary(['tenant', 'connection', 'bucket']);
  });
}

export const migration003: Migration = { name: '003_rate_budget_state', up, down };
