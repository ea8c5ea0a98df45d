/**
 * A write's outcome is recorded once, by its delivery attempt: the audit trail reads its
 * `write.ok` and `write.failed` entries from `syncd_deliveries` (with the outbox row for what was
 * written) instead of storing a second row per attempt. An attempt now keeps what such an entry
 * says beyond the attempt log: the CRM record written and whether the write created it.
 *
 * `on_trail` tells the two eras apart: attempts recorded before this migration have their own
 * audit rows and stay NULL, so the trail does not list them twice.
 */
import type { Knex } from 'knex';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable(tables.deliveries, (t) => {
    t.text('remote_id');
    t.boolean('created');
    t.boolean('on_trail');
  });
}

async function down(knex: Knex): Promise<void> {
  // The outcomes these columns carried would be lost from the trail: written back as audit rows.
  const rows: Array<Record<string, unknown>> = await knex(`${tables.deliveries} as d`)
    .join(`${tables.outbox} as o`, function on() {
      this.on('o.id', 'd.outbox_id').andOn('o.tenant', 'd.tenant');
    })
    .where('d.on_trail', true)
    .orderBy('d.id')
    .select('d.tenant', 'd.at', 'd.outcome', 'd.attempt', 'd.error_class', 'd.error', 'd.remote_id', 'd.created', 'o.pipeline', 'o.record_key', 'o.connection', 'o.idempotency_key', 'o.correlation_id', 'o.operation', 'o.payload');
  for (let i = 0; i < rows.length; i += 200) {
    await knex(tables.audit).insert(rows.slice(i, i + 200).map(legacyAuditRow));
  }
  await knex.schema.alterTable(tables.deliveries, (t) => {
    t.dropColumn('remote_id');
    t.dropColumn('created');
    t.dropColumn('on_trail');
  });
}

function legacyAuditRow(r: Record<string, unknown>): Record<string, unknown> {
  const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { values?: unknown } | null;
  const ok = r.outcome === 'ok';
  const created = r.created === null || r.created === undefined ? undefined : Boolean(r.created);
  const decision = ok
    ? { operation: r.operation, ...(r.remote_id != null ? { remoteId: r.remote_id } : {}), ...(created !== undefined ? { created } : {}) }
    : { errorClass: r.error_class, message: r.error, attempt: Number(r.attempt) };
  return {
    tenant: r.tenant,
    at: r.at,
    actor: `pipeline:${String(r.pipeline)}`,
    action: ok ? 'write.ok' : 'write.failed',
    pipeline: r.pipeline,
    record_key: r.record_key,
    connection: r.connection,
    idempotency_key: r.idempotency_key,
    correlation_id: r.correlation_id ?? null,
    before: JSON.stringify(null),
    after: JSON.stringify(payload?.values ?? null),
    decision: JSON.stringify(decision),
  };
}

export const migration007: Migration = { name: '007_outcomes_on_deliveries', up, down };
