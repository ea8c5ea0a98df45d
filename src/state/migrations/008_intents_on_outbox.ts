/**
 * A write's intent is recorded once, by its outbox row: the audit trail reads its `write.intent`
 * entry from `syncd_outbox` (the row's values, and the `intent` its payload carries: before values
 * and decision) instead of storing a second row per queued write.
 *
 * `on_trail` tells the two eras apart: rows queued before this migration have their own audit
 * rows and stay NULL, so the trail does not list them twice.
 */
import type { Knex } from 'knex';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable(tables.outbox, (t) => {
    t.boolean('on_trail');
  });
}

async function down(knex: Knex): Promise<void> {
  // The intents this column put on the trail would be lost from it: written back as audit rows.
  const rows: Array<Record<string, unknown>> = await knex(tables.outbox)
    .where('on_trail', true)
    .orderBy('id')
    .select('tenant', 'created_at', 'pipeline', 'record_key', 'connection', 'idempotency_key', 'correlation_id', 'payload');
  for (let i = 0; i < rows.length; i += 200) {
    await knex(tables.audit).insert(rows.slice(i, i + 200).map(legacyAuditRow));
  }
  await knex.schema.alterTable(tables.outbox, (t) => {
    t.dropColumn('on_trail');
  });
}

function legacyAuditRow(r: Record<string, unknown>): Record<string, unknown> {
  const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { values?: unknown; intent?: { before?: unknown; decision?: unknown } } | null;
  return {
    tenant: r.tenant,
    at: r.created_at,
    actor: `pipeline:${String(r.pipeline)}`,
    action: 'write.intent',
    pipeline: r.pipeline,
    record_key: r.record_key,
    connection: r.connection,
    idempotency_key: r.idempotency_key,
    correlation_id: r.correlation_id ?? null,
    before: JSON.stringify(payload?.intent?.before ?? null),
    after: JSON.stringify(payload?.values ?? null),
    decision: JSON.stringify(payload?.intent?.decision ?? null),
  };
}

export const migration008: Migration = { name: '008_intents_on_outbox', up, down };
