/**
 * Planner statistics of a PostgreSQL store's tables, kept current while the tables grow.
 *
 * PostgreSQL chooses indexes from the statistics ANALYZE gathers. A table that was never
 * analyzed has none, and autovacuum only looks once a minute (`autovacuum_naptime`), so a
 * backfill into a fresh store fills its tables before any analysis runs. Until then the planner
 * guesses, and guesses wrong: a page's link lookup by local key walked the remote-id index and
 * filtered every link (8 ms per 200 keys at 30,000 links, 0.03 ms once analyzed), and settling a
 * batch updated its outbox rows through the due-rows index instead of the primary key. Each page
 * then cost more than the one before.
 *
 * This watches the tables' sizes and analyzes a table that has at least `minRows` live rows and
 * was never analyzed, or has doubled since its last analysis: at about 1,000 rows, 2,000, 4,000…,
 * a handful of analyses per backfill. These quick analyses sample 3,000 rows (a statistics target
 * of 10), enough for the choice between our indexes: analyzing a 30,000-row outbox, bloated by its
 * claim and completion updates, took 184 ms at the default target and 15 ms at 10. Autovacuum's
 * own analyses, at the server's target, follow as usual. ANALYZE does not block reads or writes,
 * and workers sharing the database see the same sizes, so once one has analyzed a table the
 * others find nothing to do.
 */
import type { Knex } from 'knex';
import { placeholders } from './raw.js';
import { tables } from './tables.js';

export interface PlannerStatistics {
  /** Analyzes the tables that changed enough since their last analysis; returns their names. */
  check(): Promise<string[]>;
  /** Stops watching (waits for an analysis under way). */
  close(): Promise<void>;
}

export interface PlannerStatisticsOptions {
  /** How often the counters are read. @defaultValue 2000 ms */
  everyMs?: number;
  /** Fewest live rows that make a table worth analyzing. @defaultValue 1000 */
  minRows?: number;
}

/** Statistics target of the quick analyses: samples of 300 × this many rows. */
const QUICK_TARGET = 10;

export function startPlannerStatistics(knex: Knex, options: PlannerStatisticsOptions = {}): PlannerStatistics {
  const names = Object.values(tables);
  const minRows = options.minRows ?? 1000;
  let running: Promise<string[]> | undefined;
  const analyzeDue = async (): Promise<string[]> => {
    // `relid::regclass` names a table as this connection's search path sees it: a same-named
    // table of another schema comes out schema-qualified, matches none of ours and is left alone.
    // `reltuples` is the row count of the last analysis (-1, or 0 before PostgreSQL 14: never).
    const due = (await knex.raw(
      `select s.relid::regclass::text as name from pg_stat_user_tables s join pg_class c on c.oid = s.relid
       where s.relid::regclass::text in (${placeholders(names.length)}) and s.n_live_tup >= greatest(?::float8, 2 * c.reltuples)`,
      [...names, minRows],
    )) as { rows: Array<{ name: string }> };
    const done: string[] = [];
    for (const { name } of due.rows) {
      await knex.transaction(async (trx) => {
        await trx.raw(`set local default_statistics_target = ${QUICK_TARGET}`);
        await trx.raw(`analyze ${name}`);
      });
      done.push(name);
    }
    return done;
  };
  const check = (): Promise<string[]> => {
    running ??= analyzeDue().finally(() => (running = undefined));
    return running;
  };
  // Statistics only help: a failed read or analysis (a dropped connection, a role that may not
  // analyze) leaves the planner where autovacuum would, and the next tick tries again.
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
