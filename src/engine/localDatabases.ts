/**
 * Connections to local SQL databases declared by `transport: sql` connectors (Quotey, Queast).
 * One knex pool per database URL, shared by every pipeline that reads or writes it.
 */
import knexFactory, { type Knex } from 'knex';

export function openLocalDatabase(url: string): Knex {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 4 } });
  }
  const filename = url.replace(/^sqlite:(\/\/)?/, '');
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { pragma(s: string): void }, done: (err: Error | null, conn: unknown) => void) => {
        // Another process (the application that owns the database) writes concurrently.
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
  });
}

export class LocalDatabases {
  private readonly pools = new Map<string, Knex>();

  get(url: string): Knex {
    let db = this.pools.get(url);
    if (!db) this.pools.set(url, (db = openLocalDatabase(url)));
    return db;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.pools.values()].map((db) => db.destroy()));
    this.pools.clear();
  }
}
