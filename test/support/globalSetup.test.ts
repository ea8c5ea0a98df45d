import { inject } from 'vitest';
import pg from 'pg';

describe('test PostgreSQL server', () => {
  it('accepts connections at the provided URL', async () => {
    const client = new pg.Client({ connectionString: inject('pgUrl') });
    await client.connect();
    const { rows } = await client.query('select current_setting(\'server_version_num\')::int as v');
    await client.end();
    expect(rows[0].v).toBeGreaterThanOrEqual(150000);
  });
});
