/**
 * Failing sources: a source whose polls keep failing (a refused search, an unreachable database,
 * a revoked key) leaves its cursor where it was, which alone tells an operator only that nothing
 * moves. One row per failing source says since when, how many polls in a row, and the last error;
 * the next successful poll removes it.
 */
import type { Knex } from 'knex';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(tables.sourceFailures, (t) => {
    t.text('tenant').notNullable();
    t.text('pipeline').notNullable();
    t.text('source').notNullable();
    t.text('error').notNullable();
    t.integer('failures').notNullable();
    t.bigInteger('first_failed_at').notNullable();
    t.bigInteger('last_failed_at').notNullable();
    t.primary(['tenant', 'pipeline', 'source']);
  });
}

async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable(tables.sourceFailures);
}

export const migration005: Migration = { name: '005_source_failures', up, down };
