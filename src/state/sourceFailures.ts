/**
 * Sources whose polls are failing, for `syncd status`: the cursor of a failing source stays where
 * it was, so without this an operator sees only that nothing moves. A failure is recorded per poll
 * (not per retry inside it) and the next successful poll clears it. Messages are scrubbed of every
 * registered secret before they are stored.
 */
import { redactSecrets } from '../telemetry/secrets.js';
import { storableText, toNumber } from './columns.js';
import type { CursorKey } from './cursors.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

/** Long enough for a vendor's error body; a stack of them says no more. */
const MAX_ERROR_LENGTH = 2_000;

export interface SourceFailure extends CursorKey {
  /** The last poll's error, secrets scrubbed. */
  error: string;
  /** Failed polls in a row. */
  failures: number;
  firstFailedAt: number;
  lastFailedAt: number;
}

export async function recordSourceFailure(scope: Scope, key: CursorKey, message: string): Promise<void> {
  const now = scope.now();
  const error = storableText(redactSecrets(message).slice(0, MAX_ERROR_LENGTH));
  await scope
    .db(tables.sourceFailures)
    .insert({ tenant: scope.tenant, pipeline: key.pipeline, source: key.source, error, failures: 1, first_failed_at: now, last_failed_at: now })
    .onConflict(['tenant', 'pipeline', 'source'])
    .merge({ error, failures: scope.db.raw(`${tables.sourceFailures}.failures + 1`), last_failed_at: now });
}

/** Forgets the source's failure after a successful poll; returns whether there was one. */
export async function clearSourceFailure(scope: Scope, key: CursorKey): Promise<boolean> {
  return (await scope.db(tables.sourceFailures).where({ tenant: scope.tenant, pipeline: key.pipeline, source: key.source }).del()) > 0;
}

export async function listSourceFailures(scope: Scope, filter: { pipeline?: string } = {}): Promise<SourceFailure[]> {
  const q = scope.db(tables.sourceFailures).where({ tenant: scope.tenant });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  const rows: Array<Record<string, unknown>> = await q.orderBy(['pipeline', 'source']);
  return rows.map((r) => ({
    pipeline: String(r.pipeline),
    source: String(r.source),
    error: String(r.error),
    failures: toNumber(r.failures),
    firstFailedAt: toNumber(r.first_failed_at),
    lastFailedAt: toNumber(r.last_failed_at),
  }));
}
