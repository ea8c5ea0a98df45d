/** Local tables the engine tests sync from: the fixture connector's `items`, and Queast's `companies` and `people`. */
import knexFactory, { type Knex } from 'knex';

export interface ItemRow {
  id: string;
  name?: string | null;
  amount?: number | null;
  stage?: string | null;
  updated_at: string;
}

export function openLocal(url: string): Knex {
  if (url.startsWith('postgres')) return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 } });
  return knexFactory({ client: 'better-sqlite3', connection: { filename: url }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
}

export async function createItems(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('items');
  await db.schema.createTable('items', (t) => {
    t.string('id').primary();
    t.string('name');
    t.double('amount');
    t.string('stage');
    t.string('updated_at');
  });
}

export async function insertItems(db: Knex, rows: ItemRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db('items').insert(rows.slice(i, i + 200));
}

/** n rows `item-00001`… with ascending update times from `start`. */
export function makeItems(n: number, start = Date.parse('2026-01-01T00:00:00Z')): ItemRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `item-${String(i + 1).padStart(5, '0')}`,
    name: `Item ${i + 1}`,
    amount: (i + 1) * 10,
    updated_at: new Date(start + i * 1000).toISOString(),
  }));
}

/** Queast's `companies` table, as `connectors/queast.yaml` declares it. */
/** Quotey's quotes, as `connectors/quotey.yaml` declares them: every quote has a version and a modification time. */
export async function createQuoteyQuotes(db: Knex): Promise<void> {
  await db.schema.createTable('quotes', (t) => {
    t.string('id').primary();
    t.integer('version').notNullable();
    t.string('title');
    t.string('state');
    t.double('total');
    t.string('currency');
    t.string('crm_ref');
    t.string('deal_stage');
    t.string('close_date');
    t.string('updated_at').notNullable();
  });
}

export async function createQueastCompanies(db: Knex): Promise<void> {
  await db.schema.createTable('companies', (t) => {
    t.string('id').primary();
    t.string('name');
    t.string('website');
    t.string('linkedin_url');
    t.string('industry');
    t.integer('employees');
    t.string('updated_at');
  });
}

/** Queast's `people` table, as `connectors/queast.yaml` declares it. */
export async function createQueastPeople(db: Knex): Promise<void> {
  await db.schema.createTable('people', (t) => {
    for (const c of ['id', 'company_id', 'full_name', 'first_name', 'last_name', 'email', 'title', 'linkedin_url', 'updated_at']) t.string(c);
    t.primary(['id']);
  });
}

/** Queast's `signals` table, as `connectors/queast.yaml` declares it. */
export async function createQueastSignals(db: Knex): Promise<void> {
  await db.schema.createTable('signals', (t) => {
    for (const c of ['id', 'company_id', 'kind', 'headline', 'detected_at', 'updated_at']) t.string(c);
    t.primary(['id']);
  });
}

/** Queast's `bookmarks` table, as `connectors/queast.yaml` declares it. */
export async function createQueastBookmarks(db: Knex): Promise<void> {
  await db.schema.createTable('bookmarks', (t) => {
    for (const c of ['company_id', 'source', 'created_at']) t.string(c);
    t.primary(['company_id']);
  });
}
