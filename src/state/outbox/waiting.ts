/**
 * Writes still waiting to be sent (`pending`, or `waiting_auth` while their connection is
 * paused), read and revised while an older write of the same record settles.
 */
import { IDS_PER_STATEMENT, chunks } from '../batching.js';
import { toJson } from '../columns.js';
import { placeholders, runRaw } from '../raw.js';
import type { Scope } from '../scope.js';
import { tables } from '../tables.js';
import { outboxRowFrom, type OutboxRow } from './rows.js';

/** The waiting writes of `pipeline` for these records, newer than the given write of each, oldest first. */
export async function waitingWritesAfter(scope: Scope, pipeline: string, older: ReadonlyArray<{ id: number; recordKey: string }>): Promise<OutboxRow[]> {
  if (older.length === 0) return [];
  const after = new Map<string, number>();
  for (const o of older) after.set(o.recordKey, Math.min(after.get(o.recordKey) ?? Number.POSITIVE_INFINITY, o.id));
  const out: OutboxRow[] = [];
  for (const part of chunks([...after.keys()], IDS_PER_STATEMENT)) {
    const { rows } = await runRaw<Record<string, unknown>>(
      scope,
      `select * from ${tables.outbox}
       where tenant = ? and pipeline = ? and record_key in (${placeholders(part.length)}) and status in ('pending', 'waiting_auth')
       order by id`,
      [scope.tenant, pipeline, ...part],
    );
    for (const r of rows) {
      const row = outboxRowFrom(scope.dialect, r);
      if (row.id > (after.get(row.recordKey) as number)) out.push(row);
    }
  }
  return out.sort((a, b) => a.id - b.id);
}

/**
 * Replaces a waiting write's payload and holds it back until `notBefore` if that is later than it
 * was due. A write claimed meanwhile is left as it is; returns whether this one changed.
 */
export async function reviseWaitingWrite(scope: Scope, id: number, revision: { payload: unknown; notBefore?: number }): Promise<boolean> {
  const now = scope.now();
  const due = revision.notBefore ?? now;
  const { count } = await runRaw(
    scope,
    `update ${tables.outbox} set payload = ?, next_attempt_at = case when next_attempt_at < ? then ? else next_attempt_at end, updated_at = ?
     where tenant = ? and id = ? and status in ('pending', 'waiting_auth')`,
    [toJson(revision.payload), due, due, now, scope.tenant, id],
  );
  return count > 0;
}
