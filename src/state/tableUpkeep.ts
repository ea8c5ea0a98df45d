/**
 * Upkeep of a PostgreSQL store's tables while a sync fills and churns them: planner statistics
 * kept current, and the outbox's dead row versions cleared for reuse.
 *
 * Statistics. PostgreSQL chooses indexes from the statistics ANALYZE gathers. A table that was
 * never analyzed has none, and autovacuum only looks once a minute (`autovacuum_naptime`), so a
 * backfill into a fresh store fills its tables before any analysis runs. Until then the planner
 * guesses, and guesses wrong: a page's link lookup by local key walked the remote-id index and
 * filtered every link (8 ms per 200 keys at 30,000 links, 0.03 ms once analyzed), and settling a
 * batch updated its outbox rows through the due-rows index instead of the primary key. Each page
 * then cost more than the one before. A table is analyzed once it has at least `minRows` live
 * rows and was never analyzed, or has doubled since its last analysis: at about 1,000 rows, 2,000,
 * 4,000…, a handful of analyses per backfill. These quick analyses sample 3,000 rows (a statistics
 * target of 10), enough for the choice between our indexes: analyzing a 30,000-row outbox took
 * 184 ms at the default target and 15 ms at 10. Autovacuum's own analyses follow as usual.
 *
 * Dead rows. Every claim and completion of an outbox row leaves a dead version of it behind
 * (status is indexed, so no update is HOT), about 1.6 per written record. Autovacuum had not run
 * by the end of a 300,000-record sync, whose outbox had grown to 812 MB with 465,000 dead row
 * versions. A table whose dead versions reach `minDeadRows` and a fifth of its live rows is
 * vacuumed (plain VACUUM: reads and writes go on), at most once per `vacuumIntervalMs`, so new rows
 * reuse the space: the same sync ended with a 448 MB outbox after ten vacuums of about 0.2 s each,
 * at the same records/s.
 *
 * Neither blocks reads or writes, and workers sharing the database see the same counters, so once
 * one has done the work the others find nothing to do.
 */
import type { Knex } from 'knex';
import { placeholders } from './raw.js';
import { tables } from './tables.js';

export interface UpkeepDone {
  analyzed: string[];
  vacuumed: string[];
}

export interface TableUpkeep {
  /** Analyzes and vacuums the tables that changed enough since; returns their names. */
  check(): Promise<UpkeepDone>;
  /** Stops watching (waits for work under way). */
  close(): Promise<void>;
}

export interface TableUpkeepOptions {
  /** How often the counters are read. @defaultValue 2000 ms */
  everyMs?: number;
  /** Fewest live rows that make a table worth analyzing. @defaultValue 1000 */
  minRows?: number;
  /** Fewest dead row versions that make a table worth vacuuming. @defaultValue 10000 */
  minDeadRows?: number;
  /** Least time between two vacuums of a table (by anyone, autovacuum included). @defaultValue 5000 ms */
  vacuumIntervalMs?: number;
}

/** Statistics target of the quick analyses: samples of 300 × this many rows. */
const QUICK_TARGET = 10;

export function startTableUpkeep(knex: Knex, options: TableUpkeepOptions = {}): TableUpkeep {
  const names = Object.values(tables);
  const minRows = options.minRows ?? 1000;
  const minDeadRows = options.minDeadRows ?? 10_000;
  const vacuumIntervalMs = options.vacuumIntervalMs ?? 5000;
  let running: Promise<UpkeepDone> | undefined;
  const due = async (condition: string, bindings: number[]): Promise<string[]> => {
    // `relid::regclass` names a table as this connection's search path sees it: a same-named
    // table of another schema comes out schema-qualified, matches none of ours and is left alone.
    const r = (await knex.raw(
      `select s.relid::regclass::text as name from pg_stat_user_tables s join pg_class c on c.oid = s.relid
       where s.relid::regclass::text in (${placeholders(names.length)}) and ${condition}`,
      [...names, ...bindings],
    )) as { rows: Array<{ name: string }> };
    return r.rows.map((row) => row.name);
  };
  const upkeep = async (): Promise<UpkeepDone> => {
    // `reltuples` is the row count of the last analysis (-1, or 0 before PostgreSQL 14: never).
    const analyzed = await due('s.n_live_tup >= greatest(?::float8, 2 * c.reltuples)', [minRows]);
    for (const name of analyzed) {
      await knex.transaction(async (trx) => {
        await trx.raw(`set local default_statistics_target = ${QUICK_TARGET}`);
        await trx.raw(`analyze ${name}`);
      });
    }
    const vacuumed = await due(
      `s.n_dead_tup >= greatest(?::float8, 0.2 * s.n_live_tup)
       and coalesce(greatest(s.last_vacuum, s.last_autovacuum), 'epoch') < now() - ? * interval '1 millisecond'`,
      [minDeadRows, vacuumIntervalMs],
    );
    // VACUUM cannot run inside a transaction: each runs on its own pooled connection. A table
    // another worker is vacuuming right now is skipped, not waited for (`skip_locked`, PostgreSQL
    // 12 and later; on an older server the vacuum fails and the table is left to autovacuum).
    for (const name of vacuumed) await knex.raw(`vacuum (skip_locked) ${name}`);
    return { analyzed, vacuumed };
  };
  const check = (): Promise<UpkeepDone> => {
    running ??= upkeep().finally(() => (running = undefined));
    return running;
  };
  // Upkeep only helps: a failed read, analysis or vacuum (a dropped connection, a role that may
  // not analyze) leaves the tables where autovacuum would, and the next tick tries again.
  const timer = setInterval(() => void check().catch(() => undefined), options.everyMs ?? 2000);
  timer.unref();
  return {
    check,
    async close() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
