/**
 * Review decisions reach their records: `applied_at` says when the pipeline re-planned the record
 * of an approved or rejected match (an approval links the pair, a rejection lets the record be
 * created or matched elsewhere; either way the record is planned again at the next poll, without
 * waiting for it to change). Decisions made before this migration count as applied, since they
 * were made when records were re-planned only at their next change.
 */
import type { Knex } from 'knex';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable(tables.reviewCandidates, (t) => t.bigInteger('applied_at'));
  await knex(tables.reviewCandidates).whereIn('status', ['approved', 'rejected']).update({ applied_at: knex.ref('decided_at') });
  // The daemon asks every poll for decisions not yet applied: a few rows among many.
  await knex.raw(`create index syncd_review_unapplied on ${tables.reviewCandidates} (tenant, pipeline) where applied_at is null and status in ('approved', 'rejected')`);
}

async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists syncd_review_unapplied');
  await knex.schema.alterTable(tables.reviewCandidates, (t) => t.dropColumn('applied_at'));
}

export const migration004: Migration = { name: '004_review_applied', up, down };
