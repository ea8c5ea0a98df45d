/**
 * Runs a state test file on both engines: a SQLite file in a temp folder and a fresh PostgreSQL
 * database in the test server. Each test takes a fresh tenant, so tests in one file never see
 * each other's rows; a controllable clock makes expiry deterministic.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openStore, type Scope, type Store, type StoreOptions } from '../../src/state/index.js';
import { createTestDatabase, type TestDatabase } from '../support/createTestDatabase.js';

export type Backend = 'sqlite' | 'postgres';
export const backends: Backend[] = ['sqlite', 'postgres'];

export const TEST_KEY = randomBytes(32).toString('base64');

export interface TestClock {
  now: number;
  advance(ms: number): void;
}

export interface Harness {
  readonly store: Store;
  readonly url: string;
  readonly clock: TestClock;
  /** A scope over a tenant no other test uses. */
  tenant(): Scope;
  /** Another store on the same database (another "process"); closed after the file. */
  open(extra?: StoreOptions): Store;
}

let tenantSeq = 0;

export function useStore(backend: Backend, options: { migrate?: boolean } = {}): Harness {
  const clock: TestClock = {
    now: 1_700_000_000_000,
    advance(ms) {
      this.now += ms;
    },
  };
  const opened: Store[] = [];
  let store: Store | undefined;
  let url = '';
  let dir: string | undefined;
  let db: TestDatabase | undefined;

  const open = (extra: StoreOptions = {}) => {
    const s = openStore({ url, clock: () => clock.now, secretKey: TEST_KEY, env: {}, ...extra });
    opened.push(s);
    return s;
  };

  beforeAll(async () => {
    if (backend === 'postgres') {
      db = await createTestDatabase(inject('pgUrl'), 'syncd_state');
      url = db.url;
    } else {
      dir = await mkdtemp(path.join(tmpdir(), 'syncd-state-'));
      url = path.join(dir, 'state.db');
    }
    store = open();
    if (options.migrate !== false) await store.migrate();
  });

  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    if (db) await db.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  return {
    get store() {
      if (!store) throw new Error('store not open yet');
      return store;
    },
    get url() {
      return url;
    },
    clock,
    tenant() {
      tenantSeq += 1;
      return this.store.forTenant(`t${tenantSeq}-${randomBytes(3).toString('hex')}`);
    },
    open,
  };
}
