/**
 * The ordered list of schema migrations, handed to knex as a migration source object: knex's
 * directory scanning would look for .ts files next to compiled .js ones and break in dist/.
 * Add a migration by writing `NNN_what.ts` and appending it here; never edit a shipped one.
 */
import type { Knex } from 'knex';
import { migration001 } from './001_initial.js';
import { migration002 } from './002_lean_hot_path.js';
import { migration003 } from './003_rate_budget_state.js';
import { migration004 } from './004_review_applied.js';
import { migration005 } from './005_source_failures.js';
import { migration006 } from './006_planner_statistics.js';
import { migration007 } from './007_outcomes_on_deliveries.js';
import { migration008 } from './008_intents_on_outbox.js';
import { migration009 } from './009_reference_waits.js';
import { migration010 } from './010_inbox_by_event_type.js';

export interface Migration {
  /** Stored in `syncd_migrations`; never rename a shipped migration. */
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};
