/**
 * Opening the durable state store: an embedded SQLite file by default, PostgreSQL when given a
 * `postgres://` URL. Operations live in one module per concern (cursors.ts, outbox/…) and take a
 * `Scope` (one tenant) from `store.forTenant()` or inside `store.transaction()`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Dialect } from './dialect.js';
import { createSecretBox, resolveSecretKey, type SecretBox } from './crypto.js';
import { parseStoreUrl, type StoreLocation } from './location.js';
import { migrationSource, migrations } from './migrations/index.js';
import { StoreError } from './errors.js';
import { createScope, type Scope, type ScopeContext } from './scope.js';
import { migrationsTable } from './tables.js';
import { BACKSTOP_CHECKPOINT_PAGES, startWalCheckpointer } from './walCheckpointer.js';
import { startTableUpkeep } from './tableUpkeep.js';

export interface StoreOptions {
  /**
   * Where the state lives: `postgres://user:pass@host/db` for PostgreSQL; a file path (optionally
   * `sqlite:`-prefixed) or `:memory:` for SQLite.
   * @defaultValue `.syncd/state.db` in the working directory (its folder is created)
   */
  url?: string;
  /**
   * The tenant used by `forTenant()` and `transaction()` when none is named. Single-tenant
   * installs never need to name one.
   * @defaultValue `'default'`
   */
  tenantDefault?: string;
  /**
   * How long a SQLite connection waits for another process's write lock before failing.
   * @defaultValue 5000
   */
  busyTimeoutMs?: number;
  /**
   * Largest number of PostgreSQL connections this process opens.
   * @defaultValue 10
   */
  poolMax?: number;
  /**
   * Current time in epoch milliseconds. Leases, claims and budgets use this clock, so workers
   * sharing a PostgreSQL store need synchronised clocks (NTP); keep lease TTLs well above the skew.
   * @defaultValue `Date.now`
   */
  clock?: () => number;
  /**
   * The 32-byte key encrypting stored credentials (base64, or raw bytes). See crypto.ts for the
   * lookup order when absent.
   * @defaultValue the `SYNCD_SECRET_KEY` environment variable
   */
  secretKey?: string | Buffer;
  /**
   * A file holding the base64 key; must be mode 0600.
   * @defaultValue for SQLite, `secret.key` beside the database file (generated on first use)
   */
  secretKeyFile?: string;
  /**
   * The environment read for `SYNCD_SECRET_KEY`.
   * @defaultValue `process.env`
   */
  env?: NodeJS.ProcessEnv;
}

export interface Store {
  readonly dialect: Dialect;
  readonly tenantDefault: string;
  /** The underlying knex instance, for tools that need it (benchmarks, diagnostics). */
  readonly knex: Knex;
  /** Brings the schema to the latest migration; returns the names applied now. */
  migrate(): Promise<string[]>;
  /** A scope over one tenant's rows. */
  forTenant(tenant?: string): Scope;
  /** Runs `fn` in one transaction over one tenant's rows (all-or-nothing). */
  transaction<T>(fn: (tx: Scope) => Promise<T>, tenant?: string): Promise<T>;
  close(): Promise<void>;
}

const DEFAULT_TENANT = 'default';

export function openStore(options: StoreOptions = {}): Store {
  const location = parseStoreUrl(options.url);
  const knex = knexFactory(knexConfig(location, options));
  const env = options.env ?? process.env;
  let box: Promise<SecretBox> | undefined;
  const ctx: ScopeContext = {
    dialect: location.dialect,
    knex,
    clock: options.clock ?? Date.now,
    secretBox: () => {
      box ??= resolveSecretKey({
        secretKey: options.secretKey,
        env,
        secretKeyFile: options.secretKeyFile,
        defaultKeyFile:
          location.dialect === 'sqlite' && !location.memory ? path.join(path.dirname(location.filename), 'secret.key') : undefined,
        ephemeral: location.dialect === 'sqlite' && location.memory,
      }).then(createSecretBox);
      // A failed lookup (missing key) must not be cached forever: the operator may fix it.
      box.catch(() => {
        box = undefined;
      });
      return box;
    },
  };
  const tenantDefault = options.tenantDefault ?? DEFAULT_TENANT;
  // Fails at open time on a bad default tenant rather than at first use.
  createScope(ctx, tenantDefault);
  const checkpointer = location.dialect === 'sqlite' && !location.memory ? startWalCheckpointer(location.filename) : undefined;
  const upkeep = location.dialect === 'postgres' ? startTableUpkeep(knex) : undefined;

  return {
    dialect: location.dialect,
    tenantDefault,
    knex,
    async migrate() {
      await refuseNewerSchema(knex);
      const [, applied] = (await knex.migrate.latest({ migrationSource, tableName: migrationsTable })) as [number, string[]];
      return applied;
    },
    forTenant: (tenant = tenantDefault) => createScope(ctx, tenant),
    transaction: (fn, tenant = tenantDefault) => createScope(ctx, tenant).transaction(fn),
    close: async () => {
      await checkpointer?.close();
      await upkeep?.close();
      await knex.destroy();
    },
  };
}

/**
 * A store migrated by a newer syncd holds migrations this one does not know; knex would call its
 * own migration list "corrupt". Say what happened instead, before touching anything.
 */
async function refuseNewerSchema(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(migrationsTable))) return;
  const known = new Set(migrations.map((m) => m.name));
  const applied = (await knex(migrationsTable).select('name')) as Array<{ name: string }>;
  const unknown = applied.map((r) => r.name).filter((n) => !known.has(n));
  if (unknown.length) {
    throw new StoreError('invalid_state', `this state store was migrated by a newer syncd (${unknown.join(', ')}); run that version, or a later one, against it`);
  }
}

function knexConfig(location: StoreLocation, options: StoreOptions): Knex.Config {
  if (location.dialect === 'postgres') {
    return {
      client: 'pg',
      connection: location.url,
      pool: { min: 0, max: options.poolMax ?? 10 },
    };
  }
  if (!location.memory) mkdirSync(path.dirname(location.filename), { recursive: true });
  const busyTimeout = options.busyTimeoutMs ?? 5000;
  return {
    client: 'better-sqlite3',
    connection: { filename: location.filename },
    useNullAsDefault: true,
    // One connection: SQLite has one writer anyway, and knex then serialises this process's work.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        try {
          beginImmediately(conn);
          // Set before the first table exists, so it takes effect on a new store only. A commit
          // writes each dirty page to the WAL with its own write calls; the hot path's rows lie
          // next to each other, so 16 KiB pages write the same rows in a quarter of the calls
          // (5–8 % more records/s end to end than 4 KiB).
          conn.pragma('page_size = 16384');
          conn.pragma('journal_mode = WAL');
          conn.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeout))}`);
          // WAL with NORMAL is durable across process crashes; only an OS crash can lose the last commits.
          conn.pragma('synchronous = NORMAL');
          // Checkpoints run on a thread of their own (walCheckpointer); this is only the backstop.
          if (!location.memory) conn.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  };
}

interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): unknown;
}

/**
 * Every transaction of the store writes. SQLite's default `BEGIN` takes the write lock only at
 * the first write, so two processes that both read first deadlock on the upgrade and one gets
 * SQLITE_BUSY at once, whatever the busy timeout. `BEGIN IMMEDIATE` takes the lock up front and
 * waits for it. knex issues exactly `BEGIN;` and offers no hook for the mode, hence the rewrite.
 */
function beginImmediately(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (text: string) => {
    const sql = text === 'BEGIN;' ? 'BEGIN IMMEDIATE;' : text;
    // knex prepares every query anew, and preparing costs as much as running a small statement;
    // the store issues a few dozen distinct statements over and over, so they are kept. Entries
    // are moved to the end on use, and the least recently used goes when the cache is full.
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    } else cache.delete(sql);
    cache.set(sql, statement);
    return statement;
  };
}

/** Prepared statements kept per SQLite connection. */
const STATEMENT_CACHE_SIZE = 500;
