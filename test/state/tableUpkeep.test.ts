/**
 * A PostgreSQL store keeps up its own tables as a backfill fills them, long before autovacuum's
 * first look: it analyzes a table once it is worth it, then each time it has doubled, so the
 * planner picks the right index; and it vacuums the outbox once its claims and completions have
 * left enough dead row versions.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { openStore, type Scope } from '../../src/state/index.js';
import { upsertLinks } from '../../src/state/links.js';
import { startTableUpkeep } from '../../src/state/tableUpkeep.js';
import { claimBatch } from '../../src/state/outbox/claim.js';
import { enqueueOutbox } from '../../src/state/outbox/enqueue.js';
import { completeOutbox } from '../../src/state/outbox/outcomes.js';
import { writes } from './fixtures.js';
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

describe('table upkeep of a PostgreSQL store', () => {
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
    const stats = startTableUpkeep(knex, { everyMs: 3_600_000, minRows: 1000, minDeadRows: 1_000_000 });
    try {
      await write((s) => addLinks(s, 0, 600));
      await until(() => countedRows(knex, 'syncd_links'), (n) => n === 600);
      expect((await stats.check()).analyzed).toEqual([]);
      expect(await analyzedRows(knex, 'syncd_links')).toBeLessThan(0);

      await write((s) => addLinks(s, 600, 900));
      expect((await until(() => stats.check(), (done) => done.analyzed.length > 0)).analyzed).toEqual(['syncd_links']);
      expect(await analyzedRows(knex, 'syncd_links')).toBe(1500);
      expect((await stats.check()).analyzed).toEqual([]);

      await write((s) => addLinks(s, 1500, 1200));
      await until(() => countedRows(knex, 'syncd_links'), (n) => n === 2700);
      expect((await stats.check()).analyzed).toEqual([]);

      await write((s) => addLinks(s, 2700, 400));
      expect((await until(() => stats.check(), (done) => done.analyzed.length > 0)).analyzed).toEqual(['syncd_links']);
      expect(await analyzedRows(knex, 'syncd_links')).toBe(3100);
    } finally {
      await stats.close();
      await knex.destroy();
    }
  });

  it('vacuums the outbox once its dead row versions pass the threshold and a fifth of its rows, and not again at once', async () => {
    const url = await database();
    const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 } });
    const upkeep = startTableUpkeep(knex, { everyMs: 3_600_000, minRows: 1_000_000, minDeadRows: 2000, vacuumIntervalMs: 60_000 });
    const deadRows = async () => {
      const r = (await knex.raw('select n_dead_tup, vacuum_count from pg_stat_user_tables where relid = ?::regclass', ['syncd_outbox'])) as { rows: Array<{ n_dead_tup: unknown; vacuum_count: unknown }> };
      return { dead: Number(r.rows[0]?.n_dead_tup ?? 0), vacuums: Number(r.rows[0]?.vacuum_count ?? 0) };
    };
    const store = openStore({ url, secretKey: TEST_KEY, env: {} });
    try {
      await store.migrate();
      const t = store.forTenant();
      // Each claim and each completion leaves one dead version of its row.
      await enqueueOutbox(t, writes(1500));
      const claimed = await claimBatch(t, { limit: 1500, worker: 'w', leaseMs: 60_000 });
      await until(deadRows, (d) => d.dead >= 1500);
      expect((await upkeep.check()).vacuumed).toEqual([]);

      await completeOutbox(t, claimed.map((r) => r.id), 'w');
      await until(deadRows, (d) => d.dead >= 3000);
      expect((await upkeep.check()).vacuumed).toEqual(['syncd_outbox']);
      const after = await until(deadRows, (d) => d.vacuums === 1 && d.dead < 3000);
      expect(after).toMatchObject({ vacuums: 1 });
      expect(after.dead).toBeLessThan(3000);

      // More dead rows at once: the interval holds the next vacuum back.
      await enqueueOutbox(t, writes(3000, 5000));
      await claimBatch(t, { limit: 3000, worker: 'w', leaseMs: 60_000 });
      await until(deadRows, (d) => d.dead >= 3000);
      expect((await upkeep.check()).vacuumed).toEqual([]);
    } finally {
      await upkeep.close();
      await store.close();
      await knex.destroy();
    }
  });
});
