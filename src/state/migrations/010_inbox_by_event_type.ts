/**
 * Pipelines claim inbox events of their own event types only (two pipelines may read different
 * events of one connector's webhooks). Events of types no running pipeline reads stay pending, so
 * the claim needs an index that reaches a connection's events of a type without passing them.
 */
import type { Knex } from 'knex';
import { tables } from '../tables.js';
import type { Migration } from './index.js';

async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable(tables.webhookInbox, (t) => {
    t.index(['tenant', 'connection', 'event_type', 'status', 'next_attempt_at', 'id'], 'syncd_webhook_inbox_due_by_type');
  });
}

async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable(tables.webhookInbox, (t) => {
    t.dropIndex(['tenant', 'connection', 'event_type', 'status', 'next_attempt_at', 'id'], 'syncd_webhook_inbox_due_by_type');
  });
}

export const migration010: Migration = { name: '010_inbox_by_event_type', up, down };
