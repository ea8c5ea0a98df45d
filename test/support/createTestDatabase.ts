/**
 * A fresh, uniquely named PostgreSQL database in the test server (`inject('pgUrl')`), so test
 * files never share state. Drop it in `afterAll`; the drop forces out connections left open.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(pgUrl: string, prefix = 'syncd_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`invalid test database prefix ${JSON.stringify(prefix)}`);
  await admin(pgUrl, (c) => c.query(`create database "${name}"`));
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(pgUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}
