/**
 * Fewer rows and index entries per synced record, where every one costs each write:
 * - field bases become one row per linked pair holding every field's agreed value (a JSON object
 *   keyed by canonical field), instead of one row per pair and field;
 * - the audit trail drops its idempotency-key index (random keys put each insert on a different
 *   page); the trail stays indexed per record, which is how it is queried;
 * - the outbox drops its per-connection index: parking a connection's rows (rare) finds them
 *   through the due index's leading (tenant, status);
 * - the outbox's uniqueness moves from (tenant, idempotency_key) to (tenant, pipeline,
 *   record_key, idempotency_key), which replaces the per-record index: a key is derived from its
 *   pipeline and record, so it is the same constraint, but inserts land in record order instead
 *   of at random pages.
 */
import type { Knex } from 'knex';
import { jsonColumn, fromJson, toJson, toNumber, toNumberOrNull } from '../columns.js';
import { dialectOf } from '../dialect.js';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

const OLD_BASES = 'syncd_field_bases_per_field';

async function up(knex: Knex): Promise<void> {
  const dialect = dialectOf(knex);
  await knex.schema.renameTable(tables.fieldBases, OLD_BASES);
  if (dialect === 'postgres') await knex.raw(`alter index if exists ${tables.fieldBases}_pkey rename to ${OLD_BASES}_pkey`);
  await knex.schema.createTable(tables.fieldBases, (t) => {
    t.text('tenant').notNullable();
    t.bigInteger('link_id').notNullable();
    // { "<canonical field>": { "value": …, "localUpdatedAt"?: ms, "remoteUpdatedAt"?: ms, "agreedAt": ms } }
    jsonColumn(t, dialect, 'fields').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['tenant', 'link_id']);
  });
  const grouped = new Map<string, { tenant: string; linkId: number; fields: Record<string, unknown>; at: number }>();
  for (const r of (await knex(OLD_BASES).select('*')) as Array<Record<string, unknown>>) {
    const key = `${String(r.tenant)}\u0000${String(r.link_id)}`;
    let g = grouped.get(key);
    if (!g) grouped.set(key, (g = { tenant: String(r.tenant), linkId: toNumber(r.link_id), fields: {}, at: 0 }));
    const agreedAt = toNumber(r.agreed_at);
    g.fields[String(r.field)] = {
      value: fromJson(dialect, r.value),
      ...(toNumberOrNull(r.local_updated_at) !== null ? { localUpdatedAt: toNumber(r.local_updated_at) } : {}),
      ...(toNumberOrNull(r.remote_updated_at) !== null ? { remoteUpdatedAt: toNumber(r.remote_updated_at) } : {}),
      agreedAt,
    };
    g.at = Math.max(g.at, agreedAt);
  }
  const rows = [...grouped.values()].map((g) => ({ tenant: g.tenant, link_id: g.linkId, fields: toJson(g.fields), updated_at: g.at }));
  for (let i = 0; i < rows.length; i += 200) await knex(tables.fieldBases).insert(rows.slice(i, i + 200));
  await knex.schema.dropTable(OLD_BASES);
  await knex.raw('drop index if exists syncd_audit_by_key');
  await knex.raw('drop index if exists syncd_outbox_by_connection');
  await knex.schema.alterTable(tables.outbox, (t) => {
    t.dropUnique(['tenant', 'idempotency_key'], 'syncd_outbox_idempotency');
    t.dropIndex(['tenant', 'pipeline', 'record_key'], 'syncd_outbox_by_record');
  });
  await knex.schema.alterTable(tables.outbox, (t) => t.unique(['tenant', 'pipeline', 'record_key', 'idempotency_key'], { indexName: 'syncd_outbox_by_record' }));
}

async function down(knex: Knex): Promise<void> {
  const dialect = dialectOf(knex);
  await knex.schema.alterTable(tables.outbox, (t) => t.dropUnique(['tenant', 'pipeline', 'record_key', 'idempotency_key'], 'syncd_outbox_by_record'));
  await knex.schema.alterTable(tables.outbox, (t) => {
    t.unique(['tenant', 'idempotency_key'], { indexName: 'syncd_outbox_idempotency' });
    t.index(['tenant', 'pipeline', 'record_key'], 'syncd_outbox_by_record');
  });
  await knex.schema.alterTable(tables.outbox, (t) => t.index(['tenant', 'connection'], 'syncd_outbox_by_connection'));
  await knex.schema.alterTable(tables.audit, (t) => t.index(['tenant', 'idempotency_key'], 'syncd_audit_by_key'));
  const rows = (await knex(tables.fieldBases).select('*')) as Array<Record<string, unknown>>;
  await knex.schema.dropTable(tables.fieldBases);
  await knex.schema.createTable(tables.fieldBases, (t) => {
    t.text('tenant').notNullable();
    t.bigInteger('link_id').notNullable();
    t.text('field').notNullable();
    jsonColumn(t, dialect, 'value');
    t.bigInteger('local_updated_at');
    t.bigInteger('remote_updated_at');
    t.bigInteger('agreed_at').notNullable();
    t.primary(['tenant', 'link_id', 'field']);
  });
  const perField = rows.flatMap((r) =>
    Object.entries(fromJson<Record<string, { value: unknown; localUpdatedAt?: number; remoteUpdatedAt?: number; agreedAt: number }>>(dialect, r.fields)).map(([field, b]) => ({
      tenant: r.tenant,
      link_id: toNumber(r.link_id),
      field,
      value: toJson(b.value),
      local_updated_at: b.localUpdatedAt ?? null,
      remote_updated_at: b.remoteUpdatedAt ?? null,
      agreed_at: b.agreedAt,
    })),
  );
  for (let i = 0; i < perField.length; i += 200) await knex(tables.fieldBases).insert(perField.slice(i, i + 200));
}

export const migration002: Migration = { name: '002_lean_hot_path', up, down };
