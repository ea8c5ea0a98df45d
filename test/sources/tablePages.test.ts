/**
 * The table source's keyset pages, on a SQLite and a PostgreSQL local database: ties on the
 * cursor value across a page boundary are neither skipped nor repeated, and each page after the
 * first starts at its position in the cursor index instead of scanning it from the beginning.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalDatabase } from '../../src/engine/localDatabases.js';
import { readTablePage, type TablePosition } from '../../src/sources/table.js';
import type { TableSpec } from '../../src/spec/types.js';
import { backends, prepareBackend, type BackendUrls } from '../engine/support/backends.js';

const spec: TableSpec = { key: 'id', columns: { id: { type: 'string' }, name: { type: 'string' }, updated_at: { type: 'string' } } };
const read = { table: 'accounts', spec, cursorField: 'updated_at', pageSize: 3 };

// Ten rows on four cursor values: pages of three split every run of ties.
const ROWS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((id, i) => ({ id, name: `Account ${id}`, updated_at: `2026-01-0${1 + Math.floor(i / 3)}T00:00:00.000Z` }));

describe.each(backends)('table source pages (%s)', (backend) => {
  let urls: BackendUrls;
  let db: Knex;

  beforeAll(async () => {
    urls = await prepareBackend(backend, 'table_pages');
    db = openLocalDatabase(urls.local);
    await db.schema.createTable('accounts', (t) => {
      t.text('id').primary();
      t.text('name');
      t.text('updated_at').notNullable();
      t.index(['updated_at', 'id'], 'accounts_updated');
    });
    // Inserted out of key order, so the result's order comes from the query.
    await db('accounts').insert([...ROWS].reverse());
  });

  afterAll(async () => {
    await db?.destroy();
    await urls?.cleanup();
  });

  it('reads every row once, in cursor then key order, across ties split by pages', async () => {
    const seen: string[] = [];
    let after: TablePosition | undefined;
    for (let page = 0; page < 10; page++) {
      const rows = await readTablePage(db, read, after ? { after } : {});
      seen.push(...rows.map((r) => r.key));
      if (rows.length < read.pageSize) break;
      after = rows[rows.length - 1]?.position;
    }
    expect(seen).toEqual(ROWS.map((r) => r.id));
  });

  it('starts a page within a run of ties at the row after the position', async () => {
    const rows = await readTablePage(db, read, { after: { value: '2026-01-02T00:00:00.000Z', key: 'd' } });
    expect(rows.map((r) => r.key)).toEqual(['e', 'f', 'g']);
  });

  it('bounds the index range of a page after a position by its cursor value', async () => {
    const after = { value: '2026-01-03T00:00:00.000Z', key: 'g' };
    const captured: string[] = [];
    const onQuery = (q: { sql: string }) => captured.push(q.sql);
    db.on('query', onQuery);
    try {
      await readTablePage(db, read, { after });
    } finally {
      db.off('query', onQuery);
    }
    const sql = captured.find((s) => s.includes('accounts'));
    if (!sql) throw new Error('the page query was not seen');
    const bindings = [after.value, after.value, after.key, read.pageSize];
    if (backend === 'sqlite') {
      const plan = (await db.raw(`explain query plan ${sql}`, bindings)) as { detail: string }[];
      const details = plan.map((p) => p.detail).join(' | ');
      expect(details).toMatch(/SEARCH accounts USING INDEX accounts_updated \(updated_at>\?\)/);
    } else {
      // A table this small is scanned whole unless the planner is told not to.
      await db.transaction(async (trx) => {
        await trx.raw('set local enable_seqscan = off');
        // The event shows PostgreSQL's own `$1` placeholders; knex binds `?`.
        const result = (await trx.raw(`explain ${sql.replace(/\$\d+/g, '?')}`, bindings)) as { rows: Record<string, string>[] };
        const text = result.rows.map((r) => Object.values(r)[0]).join('\n');
        expect(text).toMatch(/Index Cond: \(updated_at >= /);
      });
    }
  });
});
