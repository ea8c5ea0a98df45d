/**
 * A local table as a pipeline's target: a batch of writes is one transaction, and a row that
 * breaks a constraint fails alone, the others of its batch written (both local databases).
 */
import type { Knex } from 'knex';
import { tableTarget } from '../../src/engine/endpoints/tableEndpoints.js';
import type { TargetWrite } from '../../src/engine/ports.js';
import type { TableSpec } from '../../src/spec/types.js';
import { backends, prepareBackend, type Backend, type BackendUrls } from './support/backends.js';
import { openLocal } from './support/localDb.js';

const SPEC: TableSpec = {
  key: 'id',
  writable: true,
  columns: { id: { type: 'string' }, version: { type: 'integer' }, deal_stage: { type: 'string' } },
};

describe.each(backends)('table target (%s)', (backend: Backend) => {
  let urls: BackendUrls;
  let db: Knex;

  beforeAll(async () => {
    urls = await prepareBackend(backend, 'syncd_table_target');
    db = openLocal(urls.local);
    await db.schema.createTable('quotes', (t) => {
      t.string('id').primary();
      t.integer('version').notNullable();
      t.string('deal_stage');
    });
    await db('quotes').insert({ id: 'Q-1', version: 1 });
  });

  afterAll(async () => {
    await db?.destroy();
    await urls?.cleanup();
  });

  const write = (n: number, recordKey: string, values: Record<string, unknown>): TargetWrite => ({ id: n, recordKey, operation: 'upsert', values, idempotencyKey: `k-${n}` });

  it('fails only the row that breaks a constraint; the rest of the batch is written', async () => {
    const target = tableTarget({ db, connector: 'quotey', table: 'quotes', spec: SPEC });
    const outcomes = await target.write(
      [
        write(1, 'Q-1', { deal_stage: 'won' }),
        // A new row without its NOT NULL version.
        write(2, 'Q-2', { deal_stage: 'lost' }),
        write(3, 'Q-3', { version: 1, deal_stage: 'open' }),
      ],
      new AbortController().signal,
    );
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.errorClass))).toEqual(['ok', 'mapping', 'ok']);
    expect(outcomes[1]).toMatchObject({ message: expect.stringMatching(/^quotes: .*version/i) });
    expect(await db('quotes').select('id', 'version', 'deal_stage').orderBy('id')).toEqual([
      { id: 'Q-1', version: 1, deal_stage: 'won' },
      { id: 'Q-3', version: 1, deal_stage: 'open' },
    ]);
  });
});
