import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SQLITE_PATH, appendAudit, enqueueOutbox, getFieldBases, getFieldBasesForLinks, migrations, openStore, parseStoreUrl, queryAudit, recordDeliveries, tables } from '../../src/state/index.js';
import { migrationSource } from '../../src/state/migrations/index.js';
import { migrationsTable } from '../../src/state/tables.js';
import { backends, useStore } from './harness.js';

async function columnsOf(store: ReturnType<typeof openStore>, table: string): Promise<string[]> {
  if (store.dialect === 'postgres') {
    const r = await store.knex.raw('select column_name from information_schema.columns where table_name = ? order by ordinal_position', [table]);
    return r.rows.map((x: { column_name: string }) => x.column_name);
  }
  const rows: Array<{ name: string }> = await store.knex.raw(`pragma table_info(${table})`);
  return rows.map((x) => x.name);
}

async function indexesOf(store: ReturnType<typeof openStore>, table: string): Promise<string[]> {
  if (store.dialect === 'postgres') {
    const r = await store.knex.raw('select indexname from pg_indexes where tablename = ? order by indexname', [table]);
    return r.rows.map((x: { indexname: string }) => x.indexname);
  }
  const rows: Array<{ name: string }> = await store.knex.raw(`pragma index_list(${table})`);
  return rows.map((x) => x.name).sort();
}

describe.each(backends)('migrations on %s', (backend) => {
  const h = useStore(backend, { migrate: false });
  /** Rolls back the migrations after `name`, and `name` itself, one at a time. */
  const undoThrough = async (name: string): Promise<void> => {
    const applied = async () => ((await h.store.knex.migrate.list({ migrationSource, tableName: migrationsTable })) as [Array<{ name: string } | string>, unknown])[0].map((m) => (typeof m === 'string' ? m : m.name));
    while ((await applied()).includes(name)) await h.store.knex.migrate.down({ migrationSource, tableName: migrationsTable });
  };

  it('bring an empty database to the latest schema once, then apply nothing', async () => {
    for (const t of Object.values(tables)) expect(await h.store.knex.schema.hasTable(t)).toBe(false);
    const applied = await h.store.migrate();
    expect(applied).toEqual(migrations.map((m) => m.name));
    for (const t of Object.values(tables)) expect(await h.store.knex.schema.hasTable(t)).toBe(true);
    expect(await h.store.migrate()).toEqual([]);
  });

  it('give every table a tenant column first', async () => {
    for (const t of Object.values(tables)) {
      const cols = await columnsOf(h.store, t);
      expect(cols.indexOf('tenant'), `${t}: ${cols.join(',')}`).toBe(cols[0] === 'id' ? 1 : 0);
    }
  });

  it('002 folds per-field bases into one row per link, and back on rollback', async () => {
    await h.store.knex.migrate.rollback({ migrationSource, tableName: migrationsTable }, true);
    await h.store.knex.migrate.up({ migrationSource, tableName: migrationsTable });
    const old = [
      { tenant: 'default', link_id: 7, field: 'deal.stage', value: JSON.stringify('won'), local_updated_at: 5, remote_updated_at: null, agreed_at: 10 },
      { tenant: 'default', link_id: 7, field: 'deal.amount', value: JSON.stringify({ v: 1, list: [null] }), local_updated_at: null, remote_updated_at: 6, agreed_at: 11 },
      { tenant: 'default', link_id: 8, field: 'deal.stage', value: JSON.stringify(null), local_updated_at: null, remote_updated_at: null, agreed_at: 12 },
      { tenant: 'other', link_id: 7, field: 'deal.stage', value: JSON.stringify('lost'), local_updated_at: null, remote_updated_at: null, agreed_at: 13 },
    ];
    await h.store.knex(tables.fieldBases).insert(old);
    const [, applied] = (await h.store.knex.migrate.up({ migrationSource, tableName: migrationsTable })) as [number, string[]];
    expect(applied).toEqual(['002_lean_hot_path']);
    const bases = await getFieldBasesForLinks(h.store.forTenant('default'), [7, 8]);
    expect(Object.fromEntries([...(bases.get(7) ?? [])])).toEqual({
      'deal.stage': { field: 'deal.stage', value: 'won', localUpdatedAt: 5, remoteUpdatedAt: null, agreedAt: 10 },
      'deal.amount': { field: 'deal.amount', value: { v: 1, list: [null] }, localUpdatedAt: null, remoteUpdatedAt: 6, agreedAt: 11 },
    });
    expect(bases.get(8)?.get('deal.stage')).toMatchObject({ value: null, agreedAt: 12 });
    expect((await getFieldBases(h.store.forTenant('other'), 7)).get('deal.stage')?.value).toBe('lost');

    await h.store.knex.migrate.down({ migrationSource, tableName: migrationsTable });
    const back = (await h.store.knex(tables.fieldBases).select('*').orderBy(['tenant', 'link_id', 'field'])) as Array<Record<string, unknown>>;
    expect(back.map((r) => [r.tenant, Number(r.link_id), r.field, h.store.dialect === 'postgres' ? r.value : JSON.parse(String(r.value)), Number(r.agreed_at)])).toEqual([
      ['default', 7, 'deal.amount', { v: 1, list: [null] }, 11],
      ['default', 7, 'deal.stage', 'won', 10],
      ['default', 8, 'deal.stage', null, 12],
      ['other', 7, 'deal.stage', 'lost', 13],
    ]);
  });

  it('003 replaces the token-bucket columns of the rate budgets with one JSON state, and back', async () => {
    await h.store.knex.migrate.rollback({ migrationSource, tableName: migrationsTable }, true);
    await h.store.knex.migrate.up({ migrationSource, tableName: migrationsTable });
    await h.store.knex.migrate.up({ migrationSource, tableName: migrationsTable });
    expect(await columnsOf(h.store, tables.rateBudgets)).toEqual(['tenant', 'connection', 'bucket', 'capacity', 'refill_per_sec', 'tokens', 'updated_at', 'blocked_until']);
    const [, applied] = (await h.store.knex.migrate.up({ migrationSource, tableName: migrationsTable })) as [number, string[]];
    expect(applied).toEqual(['003_rate_budget_state']);
    expect(await columnsOf(h.store, tables.rateBudgets)).toEqual(['tenant', 'connection', 'bucket', 'state', 'updated_at']);
    await h.store.knex.migrate.down({ migrationSource, tableName: migrationsTable });
    expect(await columnsOf(h.store, tables.rateBudgets)).toEqual(['tenant', 'connection', 'bucket', 'capacity', 'refill_per_sec', 'tokens', 'updated_at', 'blocked_until']);
    expect(await h.store.migrate()).toEqual(['003_rate_budget_state', '004_review_applied', '005_source_failures', '006_planner_statistics', '007_outcomes_on_deliveries', '008_intents_on_outbox', '009_reference_waits', '010_inbox_by_event_type']);
  });

  it('004 counts review decisions made before it as applied, so no record is planned again for them', async () => {
    await h.store.knex.migrate.rollback({ migrationSource, tableName: migrationsTable }, true);
    for (let i = 0; i < 3; i++) await h.store.knex.migrate.up({ migrationSource, tableName: migrationsTable });
    const row = (key: string, status: string, decidedAt: number | null) => ({
      tenant: 'default', pipeline: 'p', local_object: 'db.companies', local_key: key, remote_connector: 'crm', remote_object: 'companies', remote_id: `r-${key}`,
      strategy: 'fuzzyName', score: 0.85, details: JSON.stringify(null), status, decided_by: decidedAt === null ? null : 'ops', decided_at: decidedAt, created_at: 1, updated_at: 1,
    });
    await h.store.knex(tables.reviewCandidates).insert([row('a', 'approved', 10), row('b', 'rejected', 20), row('c', 'pending', null)]);
    const [, applied] = (await h.store.knex.migrate.up({ migrationSource, tableName: migrationsTable })) as [number, string[]];
    expect(applied).toEqual(['004_review_applied']);
    const rows = (await h.store.knex(tables.reviewCandidates).select('local_key', 'applied_at').orderBy('local_key')) as Array<{ local_key: string; applied_at: unknown }>;
    expect(rows.map((r) => [r.local_key, r.applied_at === null ? null : Number(r.applied_at)])).toEqual([['a', 10], ['b', 20], ['c', null]]);
    await h.store.knex.migrate.down({ migrationSource, tableName: migrationsTable });
    expect(await columnsOf(h.store, tables.reviewCandidates)).not.toContain('applied_at');
    expect(await h.store.migrate()).toEqual(['004_review_applied', '005_source_failures', '006_planner_statistics', '007_outcomes_on_deliveries', '008_intents_on_outbox', '009_reference_waits', '010_inbox_by_event_type']);
  });

  it('006 gathers no planner statistics on JSON columns (PostgreSQL), and the default again on rollback', async () => {
    await h.store.migrate();
    const target = async (table: string, column: string): Promise<number | null> => {
      if (backend !== 'postgres') return null;
      const r = await h.store.knex.raw('select attstattarget from pg_attribute where attrelid = ?::regclass and attname = ?', [table, column]);
      const v = (r.rows[0] as { attstattarget: number | null }).attstattarget;
      return v === null ? -1 : Number(v);
    };
    const json = [[tables.outbox, 'payload'], [tables.audit, 'after'], [tables.fieldBases, 'fields']] as const;
    for (const [table, column] of json) expect(await target(table, column)).toBe(backend === 'postgres' ? 0 : null);
    expect(await target(tables.outbox, 'record_key')).toBe(backend === 'postgres' ? -1 : null);
    await h.store.knex.migrate.down({ migrationSource, tableName: migrationsTable, name: '006_planner_statistics' });
    for (const [table, column] of json) expect(await target(table, column)).toBe(backend === 'postgres' ? -1 : null);
    expect(await h.store.migrate()).toEqual(['006_planner_statistics']);
  });

  it('007 and 008 read intents and outcomes from the rows queued after them, not again those before, and write them back as audit rows on rollback', async () => {
    await h.store.migrate();
    await undoThrough('007_outcomes_on_deliveries');
    const t = h.store.forTenant('default');
    // Before 007 and 008, a queued write and each attempt had an audit row as well.
    const [old] = (await h.store
      .knex(tables.outbox)
      .insert({ tenant: 'default', idempotency_key: 'k-old', pipeline: 'p', connection: 'crm', operation: 'create', record_key: 'r-1', payload: JSON.stringify({ values: { name: 'old' } }), content_version: 'v', status: 'done', attempts: 1, next_attempt_at: 0, created_at: 50, updated_at: 100 })
      .returning('id')) as Array<{ id: unknown } | number>;
    const oldId = Number(typeof old === 'object' ? old.id : old);
    await h.store.knex(tables.deliveries).insert({ tenant: 'default', outbox_id: oldId, attempt: 1, outcome: 'ok', duration_ms: 5, at: 100 });
    await appendAudit(t, [
      { actor: 'pipeline:p', action: 'write.intent', pipeline: 'p', recordKey: 'r-1', idempotencyKey: 'k-old', after: { name: 'old' }, at: 50 },
      { actor: 'pipeline:p', action: 'write.ok', pipeline: 'p', recordKey: 'r-1', idempotencyKey: 'k-old', at: 100 },
    ]);
    expect(await h.store.migrate()).toEqual(['007_outcomes_on_deliveries', '008_intents_on_outbox', '009_reference_waits', '010_inbox_by_event_type']);

    const intent = { before: { name: 'old' }, decision: { operation: 'create', strategy: 'existing_link' } };
    const { inserted } = await enqueueOutbox(t, [{ idempotencyKey: 'k-new', pipeline: 'p', connection: 'crm', operation: 'create', recordKey: 'r-1', payload: { values: { name: 'new' }, intent }, contentVersion: 'w' }]);
    await recordDeliveries(t, [{ outboxId: inserted[0]!.id, attempt: 1, outcome: 'ok', durationMs: 5, remoteId: 'c-1', created: false, at: h.clock.now + 1 }]);
    const trail = (await queryAudit(t, { recordKey: 'r-1' })).map((e) => [e.action, e.source, e.idempotencyKey]);
    expect(trail).toEqual([
      ['write.intent', 'audit', 'k-old'],
      ['write.ok', 'audit', 'k-old'],
      ['write.intent', 'outbox', 'k-new'],
      ['write.ok', 'delivery', 'k-new'],
    ]);

    await undoThrough('007_outcomes_on_deliveries');
    expect(await columnsOf(h.store, tables.outbox)).not.toContain('on_trail');
    expect(await columnsOf(h.store, tables.deliveries)).not.toContain('on_trail');
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    const rows = (await h.store.knex(tables.audit).where({ idempotency_key: 'k-new' }).orderBy('at').select('action', 'before', 'after', 'decision')) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.action, json(r.before), json(r.after), json(r.decision)])).toEqual([
      ['write.intent', intent.before, { name: 'new' }, intent.decision],
      ['write.ok', null, { name: 'new' }, { operation: 'create', remoteId: 'c-1', created: false }],
    ]);
    expect(await h.store.migrate()).toEqual(['007_outcomes_on_deliveries', '008_intents_on_outbox', '009_reference_waits', '010_inbox_by_event_type']);
  });

  it('010 indexes the inbox by connection and event type, and drops the index on rollback', async () => {
    await h.store.migrate();
    expect(await indexesOf(h.store, tables.webhookInbox)).toContain('syncd_webhook_inbox_due_by_type');
    await undoThrough('010_inbox_by_event_type');
    expect(await indexesOf(h.store, tables.webhookInbox)).not.toContain('syncd_webhook_inbox_due_by_type');
    expect(await indexesOf(h.store, tables.webhookInbox)).toContain('syncd_webhook_inbox_due');
    expect(await h.store.migrate()).toEqual(['010_inbox_by_event_type']);
  });

  it('refuse a store a newer syncd migrated, saying so, and change nothing', async () => {
    await h.store.migrate();
    await h.store.knex(migrationsTable).insert({ name: '999_from_the_future', batch: 99, migration_time: new Date() });
    await expect(h.store.migrate()).rejects.toThrow('this state store was migrated by a newer syncd (999_from_the_future); run that version, or a later one, against it');
    await h.store.knex(migrationsTable).where({ name: '999_from_the_future' }).del();
    expect(await h.store.migrate()).toEqual([]);
  });

  it('roll back to empty and up again', async () => {
    await h.store.knex.migrate.rollback({ migrationSource, tableName: migrationsTable }, true);
    for (const t of Object.values(tables)) expect(await h.store.knex.schema.hasTable(t)).toBe(false);
    expect(await h.store.migrate()).toEqual(migrations.map((m) => m.name));
  });
});

describe('SQLite store file', () => {
  it('defaults to .syncd/state.db in the working directory', () => {
    expect(parseStoreUrl(undefined)).toEqual({ dialect: 'sqlite', filename: path.resolve(DEFAULT_SQLITE_PATH), memory: false });
    expect(DEFAULT_SQLITE_PATH).toBe('.syncd/state.db');
    expect(parseStoreUrl('postgres://u:p@h/db')).toEqual({ dialect: 'postgres', url: 'postgres://u:p@h/db' });
    expect(parseStoreUrl('sqlite:./x/y.db')).toMatchObject({ dialect: 'sqlite', filename: path.resolve('x/y.db') });
    expect(parseStoreUrl(':memory:')).toMatchObject({ dialect: 'sqlite', memory: true });
  });

  it('rejects other URL schemes without echoing credentials', () => {
    expect(() => parseStoreUrl('mysql://root:hunter2@db/x')).toThrowErrorMatchingInlineSnapshot(
      `[StoreError: unsupported store URL scheme "mysql:" (use postgres:// or a SQLite file path)]`,
    );
  });

  it('creates its folder and runs in WAL mode with a busy timeout', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'syncd-file-'));
    const store = openStore({ url: path.join(dir, 'nested', 'state.db'), busyTimeoutMs: 1234, env: {} });
    try {
      expect(store.dialect).toBe('sqlite');
      const [mode] = await store.knex.raw('pragma journal_mode');
      const [timeout] = await store.knex.raw('pragma busy_timeout');
      expect(mode).toEqual({ journal_mode: 'wal' });
      expect(Object.values(timeout)).toEqual([1234]);
      await store.migrate();
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('creates a new store with 16 KiB pages and keeps the page size of an existing one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'syncd-pages-'));
    const existing = path.join(dir, 'existing.db');
    const old = new Database(existing);
    old.pragma('journal_mode = WAL');
    old.exec('create table t (x integer)');
    old.close();
    const fresh = openStore({ url: path.join(dir, 'fresh.db'), env: {} });
    const reopened = openStore({ url: existing, env: {} });
    try {
      await fresh.migrate();
      await reopened.migrate();
      expect(await fresh.knex.raw('pragma page_size')).toEqual([{ page_size: 16384 }]);
      expect(await reopened.knex.raw('pragma page_size')).toEqual([{ page_size: 4096 }]);
    } finally {
      await fresh.close();
      await reopened.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes the write lock when a transaction begins, so two processes never deadlock on upgrade', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'syncd-lock-'));
    const file = path.join(dir, 'state.db');
    const store = openStore({ url: file, env: {} });
    const other = new Database(file, { timeout: 0 });
    try {
      await store.migrate();
      await store.transaction(async (tx) => {
        await tx.db(tables.cursors).where({ tenant: tx.tenant }).first();
        expect(() => other.exec('BEGIN IMMEDIATE')).toThrow(/database is locked/);
      });
      other.exec('BEGIN IMMEDIATE');
      other.exec('ROLLBACK');
    } finally {
      other.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an invalid default tenant at open', () => {
    expect(() => openStore({ url: ':memory:', tenantDefault: 'a b' })).toThrow(/tenant "a b" is not valid/);
  });
});
