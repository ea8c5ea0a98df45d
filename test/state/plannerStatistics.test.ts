/**
 * A PostgreSQL store analyzes its own tables as a backfill fills them, so the planner picks the
 * right index long before autovacuum's first look: once a table is worth it, then each time it
 * has doubled.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { openStore, type Scope } from '../../src/state/index.js';
import { upsertLinks } from '../../src/state/links.js';
import { startPlannerStatistics } from '../../src/state/plannerStatistics.js';
import { createTestDatabase, type TestDatabase } from '../support/createTestDatabase.js';
import { TEST_KEY } from './harness.js';

async function addLinks(scope: Scope, from: number, count: number): Promise<void> {
  const inputs = Array.from({ length: count }, (_, i) => ({
    local: { object: 'company', key: `c-${from + i}` },
    remote: { connector: 'hubspot', object: 'company', id: `h-${from + i}` },
    strategy: 'created',
  }));
  await upsertLinks(scope, inputs);
}

/** The row count of the table's last analysis (negative: never analyzed). */
async function analyzedRows(knex: Knex, table: string): Promise<number> {
  const r = (await knex.raw('select reltuples from pg_class where oid = ?::regclass', [table])) as { rows: Array<{ reltuples: number }> };
  return Number(r.rows[0]?.reltuples);
}

/** Live rows as the statistics counters have them. */
async function countedRows(knex: Knex, table: string): Promise<number> {
  const r = (await knex.raw('select n_live_tup from pg_stat_user_tables where relid = ?::regclass', [table])) as { rows: Array<{ n_live_tup: unknown }> };
  return Number(r.rows[0]?.n_live_tup ?? 0);
}

/** Table statistics reach the counters a moment after a commit (a backend reports them at most once a second). */
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function lookupPlan(knex: Knex): Promise<string> {
  const keys = Array.from({ length: 200 }, (_, i) => `c-${90_000 + i}`);
  const r = (await knex.raw(
    `explain select * from syncd_links where tenant = 'default' and status <> 'rejected' and local_object = 'company'
       and remote_connector = 'hubspot' and remote_object = 'company' and local_key in (${keys.map(() => '?').join(', ')})`,
    keys,
  )) as { rows: Array<{ 'QUERY PLAN': string }> };
  return r.rows.map((row) => row['QUERY PLAN']).join('\n');
}

describe('planner statistics of a PostgreSQL store', () => {
  const dbs: TestDatabase[] = [];
  const database = async () => {
    const db = await createTestDatabase(inject('pgUrl'), 'syncd_stats');
    dbs.push(db);
    return db.url;
  };
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
  });

  it('a store analyzes a table that filled up since it was opened, so lookups use the right index', async () => {
    const store = openStore({ url: await database(), secretKey: TEST_KEY, env: {} });
    try {
      await store.migrate();
      await addLinks(store.forTenant(), 0, 3000);
      // Autovacuum looks once a minute at the earliest; the store's own watch runs every 2 s.
      const rows = await until(() => analyzedRows(store.knex, 'syncd_links'), (n) => n >= 3000);
      expect(rows).toBe(3000);
      expect(await lookupPlan(store.knex)).toContain('syncd_links_by_local');
    } finally {
      await store.close();
    }
  });

  it('analyzes a table once it has the rows to be worth it, then again when it has doubled', async () => {
    const url = await database();
    // The store only migrates and writes here: it closes (and stops its own watch) before each check.
    const write = async (fn: (scope: Scope) => Promise<void>) => {
      const store = openStore({ url, secretKey: TEST_KEY, env: {} });
      try {
        await store.migrate();
        await fn(store.forTenant());
      } finally {
        await store.close();
      }
    };
    const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 } });
    const stats = startPlannerStatistics(knex, { everyMs: 3_600_000, minRows: 1000 });
    try {
      await write((s) => addLinks(s, 0, 600));
      await until(() => countedRows(knex, 'syncd_links'), (n) => n === 600);
      expect(await stats.check()).toEqual([]);
      expect(await analyzedRows(knex, 'syncd_links')).toBeLessThan(0);

      await write((s) => addLinks(s, 600, 900));
      expect(await until(() => stats.check(), (done) => done.length > 0)).toEqual(['syncd_links']);
      expect(await analyzedRows(knex, 'syncd_links')).toBe(1500);
      expect(await stats.check()).toEqual([]);

      await write((s) => addLinks(s, 1500, 1200));
      await until(() => countedRows(knex, 'syncd_links'), (n) => n === 2700);
      expect(await stats.check()).toEqual([]);

      await write((s) => addLinks(s, 2700, 400));
      expect(await until(() => stats.check(), (done) => done.length > 0)).toEqual(['syncd_links']);
      expect(await analyzedRows(knex, 'syncd_links')).toBe(3100);
    } finally {
      await stats.close();
      await knex.destroy();
    }
  });
});
