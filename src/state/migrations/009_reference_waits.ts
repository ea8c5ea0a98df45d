/**
 * Records waiting for a record they reference: a Smart Signal whose company has no CRM link yet
 * cannot name the CRM company its note belongs to. One row per waiting record says which
 * referenced record it needs, on which link pair, so that each poll can find the records whose
 * reference has been linked since and plan them again.
 */
import type { Knex } from 'knex';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(tables.referenceWaits, (t) => {
    t.text('tenant').notNullable();
    t.text('pipeline').notNullable();
    t.text('record_key').notNullable();
    t.text('field').notNullable();
    /** The pipeline the reference names, for operators; the link pair below is what is looked up. */
    t.text('reference').notNullable();
    t.text('ref_object').notNullable();
    t.text('ref_key').notNullable();
    t.text('ref_connector').notNullable();
    t.text('ref_remote_object').notNullable();
    t.bigInteger('since').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['tenant', 'pipeline', 'record_key']);
  });
}

async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable(tables.referenceWaits);
}

export const migration009: Migration = { name: '009_reference_waits', up, down };
