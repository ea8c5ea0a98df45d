/**
 * PostgreSQL gathers no planner statistics on the JSON columns (payloads, audit values, bases):
 * no query filters or joins on them, and sampling them was most of the cost of analyzing the
 * outbox and the audit trail (about 0.35 s each at 30,000 rows, against 0.03 s for the links).
 * ANALYZE, automatic or run by `tableUpkeep.ts`, then reads only the columns plans use.
 * SQLite keeps no per-column statistics of this kind; nothing changes there.
 */
import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function jsonColumns(knex: Knex): Promise<Array<{ table_name: string; column_name: string }>> {
  const names = Object.values(tables);
  return knex('information_schema.columns')
    .select('table_name', 'column_name')
    .whereRaw('table_schema = current_schema()')
    .andWhere({ data_type: 'jsonb' })
    .whereIn('table_name', names)
    .orderBy(['table_name', 'column_name']);
}

async function setStatistics(knex: Knex, target: number): Promise<void> {
  if (dialectOf(knex) !== 'postgres') return;
  for (const c of await jsonColumns(knex)) {
    await knex.raw(`alter table ?? alter column ?? set statistics ${target}`, [c.table_name, c.column_name]);
  }
}

export const migration006: Migration = {
  name: '006_planner_statistics',
  up: (knex) => setStatistics(knex, 0),
  // -1: back to the server's default_statistics_target.
  down: (knex) => setStatistics(knex, -1),
};
