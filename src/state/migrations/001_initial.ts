/**
 * The first schema. Conventions: every table starts with `tenant`, and every key and index leads
 * with it, so per-tenant queries are index scans and tenants never share a key space. Times are
 * epoch milliseconds in `bigint` columns (same arithmetic on both engines). JSON is `jsonb` on
 * PostgreSQL and `text` on SQLite (see columns.ts). Column meanings are documented in
 * src/state/README.md.
 */
import type { Knex } from 'knex';
import { jsonColumn } from '../columns.js';
import { dialectOf } from '../dialect.js';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function up(knex: Knex): Promise<void> {
  const dialect = dialectOf(knex);
  const json = (t: Knex.CreateTableBuilder, name: string) => jsonColumn(t, dialect, name);

  await knex.schema.createTable(tables.cursors, (t) => {
    t.text('tenant').notNullable();
    t.text('pipeline').notNullable();
    t.text('source').notNullable();
    json(t, 'value');
    t.bigInteger('updated_at').notNullable();
    t.primary(['tenant', 'pipeline', 'source']);
  });

  await knex.schema.createTable(tables.links, (t) => {
    t.bigIncrements('id');
    t.text('tenant').notNullable();
    t.text('local_object').notNullable();
    t.text('local_key').notNullable();
    t.text('remote_connector').notNullable();
    t.text('remote_object').notNullable();
    t.text('remote_id').notNullable();
    t.text('pipeline');
    t.text('strategy').notNullable();
    t.double('score').notNullable();
    t.text('status').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  // A rejected link is history: it must not stop the record from being linked to something else.
  await knex.raw(
    `create unique index syncd_links_by_local on ${tables.links} (tenant, local_object, local_key, remote_connector, remote_object) where status <> 'rejected'`,
  );
  await knex.raw(
    `create unique index syncd_links_by_remote on ${tables.links} (tenant, remote_connector, remote_object, remote_id, local_object) where status <> 'rejected'`,
  );

  await knex.schema.createTable(tables.fieldBases, (t) => {
    t.text('tenant').notNullable();
    t.bigInteger('link_id').notNullable();
    t.text('field').notNullable();
    json(t, 'value');
    t.bigInteger('local_updated_at');
    t.bigInteger('remote_updated_at');
    t.bigInteger('agreed_at').notNullable();
    t.primary(['tenant', 'link_id', 'field']);
  });

  await knex.schema.createTable(tables.outbox, (t) => {
    t.bigIncrements('id');
    t.text('tenant').notNullable();
    t.text('idempotency_key').notNullable();
    t.text('pipeline').notNullable();
    t.text('connection').notNullable();
    t.text('operation').notNullable();
    t.text('object');
    t.text('record_key').notNullable();
    json(t, 'payload');
    t.text('content_version').notNullable();
    t.text('correlation_id');
    t.text('status').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.text('claimed_by');
    t.bigInteger('claimed_until');
    t.text('last_error_class');
    t.text('last_error');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['tenant', 'idempotency_key'], { indexName: 'syncd_outbox_idempotency' });
    // The claim path (due pending rows, expired claims). Few indexes: each one costs every write.
    t.index(['tenant', 'status', 'next_attempt_at', 'id'], 'syncd_outbox_due');
    t.index(['tenant', 'connection'], 'syncd_outbox_by_connection');
    t.index(['tenant', 'pipeline', 'record_key'], 'syncd_outbox_by_record');
  });

  await knex.schema.createTable(tables.deliveries, (t) => {
    t.bigIncrements('id');
    t.text('tenant').notNullable();
    t.bigInteger('outbox_id').notNullable();
    t.integer('attempt').notNullable();
    t.text('outcome').notNullable();
    t.integer('status_code');
    t.text('error_class');
    t.text('error');
    t.integer('duration_ms').notNullable();
    t.text('worker');
    t.bigInteger('at').notNullable();
    t.index(['tenant', 'outbox_id'], 'syncd_deliveries_by_outbox');
  });

  await knex.schema.createTable(tables.deadLetters, (t) => {
    t.bigIncrements('id');
    t.text('tenant').notNullable();
    t.bigInteger('outbox_id').notNullable();
    t.text('idempotency_key').notNullable();
    t.text('pipeline').notNullable();
    t.text('connection').notNullable();
    t.text('operation').notNullable();
    t.text('object');
    t.text('record_key').notNullable();
    json(t, 'payload');
    t.text('content_version').notNullable();
    t.text('correlation_id');
    t.integer('attempts').notNullable();
    t.text('error_class').notNullable();
    t.text('error');
    t.text('status').notNullable();
    t.bigInteger('dead_at').notNullable();
    t.bigInteger('resolved_at');
    t.text('resolved_by');
    t.index(['tenant', 'status', 'pipeline', 'dead_at'], 'syncd_dead_letters_open');
  });

  await knex.schema.createTable(tables.reconciliation, (t) => {
    t.bigIncrements('id');
    t.text('tenant').notNullable();
    t.text('kind').notNullable();
    t.text('pipeline').notNullable();
    t.text('record_key').notNullable();
    t.bigInteger('link_id');
    t.text('field');
    t.text('dedupe_key');
    json(t, 'payload');
    t.text('status').notNullable();
    json(t, 'resolution');
    t.text('resolved_by');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('resolved_at');
    t.index(['tenant', 'status', 'pipeline', 'created_at'], 'syncd_reconciliation_open');
  });
  // The same open problem is reported once, however many times the sync meets it.
  await knex.raw(
    `create unique index syncd_reconciliation_dedupe on ${tables.reconciliation} (tenant, dedupe_key) where status = 'open'`,
  );

  await knex.schema.createTable(tables.reviewCandidates, (t) => {
    t.bigIncrements('id');
    t.text('tenant').notNullable();
    t.text('pipeline');
    t.text('local_object').notNullable();
    t.text('local_key').notNullable();
    t.text('remote_connector').notNullable();
    t.text('remote_object').notNullable();
    t.text('remote_id').notNullable();
    t.text('strategy').notNullable();
    t.double('score').notNullable();
    json(t, 'details');
    t.text('status').notNullable();
    t.bigInteger('link_id');
    t.text('decided_by');
    t.bigInteger('decided_at');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['tenant', 'local_object', 'local_key', 'remote_connector', 'remote_object', 'remote_id'], {
      indexName: 'syncd_review_pair',
    });
    t.index(['tenant', 'status', 'created_at'], 'syncd_review_by_status');
  });

  await knex.schema.createTable(tables.audit, (t) => {
    t.bigIncrements('id');
    t.text('tenant').notNullable();
    t.bigInteger('at').notNullable();
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('pipeline');
    t.text('record_key');
    t.text('connection');
    t.text('idempotency_key');
    t.text('correlation_id');
    json(t, 'before');
    json(t, 'after');
    json(t, 'decision');
    t.index(['tenant', 'record_key', 'at'], 'syncd_audit_by_record');
    t.index(['tenant', 'idempotency_key'], 'syncd_audit_by_key');
  });

  await knex.schema.createTable(tables.webhookInbox, (t) => {
    t.bigIncrements('id');
    t.text('tenant').notNullable();
    t.text('connection').notNullable();
    t.text('event_id').notNullable();
    t.text('event_type');
    t.bigInteger('received_at').notNullable();
    json(t, 'payload');
    t.text('status').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.text('claimed_by');
    t.bigInteger('claimed_until');
    t.bigInteger('processed_at');
    t.text('last_error');
    t.unique(['tenant', 'connection', 'event_id'], { indexName: 'syncd_webhook_inbox_event' });
    t.index(['tenant', 'status', 'next_attempt_at', 'id'], 'syncd_webhook_inbox_due');
  });

  await knex.schema.createTable(tables.connections, (t) => {
    t.text('tenant').notNullable();
    t.text('connection').notNullable();
    t.text('connector').notNullable();
    t.text('status').notNullable();
    t.text('reason');
    json(t, 'metadata');
    t.bigInteger('status_changed_at').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['tenant', 'connection']);
  });

  await knex.schema.createTable(tables.credentials, (t) => {
    t.text('tenant').notNullable();
    t.text('connection').notNullable();
    t.text('ciphertext').notNullable();
    t.text('key_id').notNullable();
    t.integer('version').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['tenant', 'connection']);
  });

  await knex.schema.createTable(tables.leases, (t) => {
    t.text('tenant').notNullable();
    t.text('name').notNullable();
    t.text('holder').notNullable();
    t.bigInteger('token').notNullable();
    t.bigInteger('acquired_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.primary(['tenant', 'name']);
  });

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

async function down(knex: Knex): Promise<void> {
  for (const name of Object.values(tables).reverse()) await knex.schema.dropTableIfExists(name);
}

export const migration001: Migration = { name: '001_initial', up, down };
