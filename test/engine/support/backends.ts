/**
 * Where an engine test keeps its state and its local database: two SQLite files in a temp
 * folder, or two fresh databases in the test PostgreSQL server (`inject('pgUrl')`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createTestDatabase } from '../../support/createTestDatabase.js';

export type Backend = 'sqlite' | 'postgres';
export const backends: Backend[] = ['sqlite', 'postgres'];

export interface BackendUrls {
  store: string;
  local: string;
  /** The key encrypting stored OAuth tokens (`SYNCD_SECRET_KEY`). */
  secretKey: string;
  cleanup(): Promise<void>;
}

export async function prepareBackend(backend: Backend, prefix: string): Promise<BackendUrls> {
  const secretKey = randomBytes(32).toString('base64');
  if (backend === 'postgres') {
    const pgUrl = inject('pgUrl');
    const store = await createTestDatabase(pgUrl, `${prefix}_state`);
    const local = await createTestDatabase(pgUrl, `${prefix}_local`);
    return {
      store: store.url,
      local: local.url,
      secretKey,
      cleanup: async () => {
        await store.drop();
        await local.drop();
      },
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  return {
    store: path.join(dir, 'state.db'),
    local: path.join(dir, 'local.db'),
    secretKey,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
