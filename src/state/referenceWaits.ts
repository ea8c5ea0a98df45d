/**
 * Records that wait for a record they reference to be linked (a signal for its company, a person
 * for its organization). A waiting record is not written: writing it without the reference would
 * lose the association, and nothing would write it again until the record changed. Each poll plans
 * the records whose reference has been linked since; planning a record again replaces or clears
 * its row.
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { toNumber } from './columns.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export interface ReferenceWait {
  pipeline: string;
  recordKey: string;
  /** The canonical field whose reference is missing. */
  field: string;
  /** The pipeline the field's reference names. */
  reference: string;
  /** The referenced record's link pair: its local object and key, and the CRM object it is linked to. */
  local: { object: string; key: string };
  remote: { connector: string; object: string };
}

export interface StoredReferenceWait extends ReferenceWait {
  since: number;
  updatedAt: number;
}

/**
 * Records (or records again) that these records wait; a record waiting already keeps its `since`.
 * Returns how many of them were not waiting before.
 */
export async function saveReferenceWaits(scope: Scope, waits: readonly ReferenceWait[]): Promise<number> {
  if (waits.length === 0) return 0;
  const now = scope.now();
  // One row per record: the last of a page's entries for a record is its current state.
  const byRecord = new Map(waits.map((w) => [`${w.pipeline}\u0000${w.recordKey}`, w]));
  let added = 0;
  for (const part of chunks([...byRecord.values()], 100)) {
    const existing = new Set<string>();
    for (const pipeline of new Set(part.map((w) => w.pipeline))) {
      const keys = part.filter((w) => w.pipeline === pipeline).map((w) => w.recordKey);
      const rows: Array<{ record_key: string }> = await scope.db(tables.referenceWaits).where({ tenant: scope.tenant, pipeline }).whereIn('record_key', keys).select('record_key');
      for (const r of rows) existing.add(`${pipeline}\u0000${r.record_key}`);
    }
    added += part.filter((w) => !existing.has(`${w.pipeline}\u0000${w.recordKey}`)).length;
    await scope
      .db(tables.referenceWaits)
      .insert(
        part.map((w) => ({
          tenant: scope.tenant,
          pipeline: w.pipeline,
          record_key: w.recordKey,
          field: w.field,
          reference: w.reference,
          ref_object: w.local.object,
          ref_key: w.local.key,
          ref_connector: w.remote.connector,
          ref_remote_object: w.remote.object,
          since: now,
          updated_at: now,
        })),
      )
      .onConflict(['tenant', 'pipeline', 'record_key'])
      .merge(['field', 'reference', 'ref_object', 'ref_key', 'ref_connector', 'ref_remote_object', 'updated_at']);
  }
  return added;
}

/** Forgets that these records wait (they were planned with every reference found); returns how many did. */
export async function clearReferenceWaits(scope: Scope, pipeline: string, recordKeys: readonly string[]): Promise<number> {
  let cleared = 0;
  for (const part of chunks([...new Set(recordKeys)], IDS_PER_STATEMENT)) {
    cleared += await scope.db(tables.referenceWaits).where({ tenant: scope.tenant, pipeline }).whereIn('record_key', part).del();
  }
  return cleared;
}

/** Keys of this pipeline's waiting records whose referenced record is linked now, oldest first. */
export async function resolvedReferenceWaits(scope: Scope, pipeline: string, limit: number): Promise<string[]> {
  const rows: Array<{ record_key: string }> = await scope
    .db({ w: tables.referenceWaits })
    .join({ l: tables.links }, (j) => {
      j.on('l.tenant', 'w.tenant').andOn('l.local_object', 'w.ref_object').andOn('l.local_key', 'w.ref_key').andOn('l.remote_connector', 'w.ref_connector').andOn('l.remote_object', 'w.ref_remote_object');
    })
    // As a literal, so both stores use the links' partial unique index (see links.ts).
    .whereRaw(`l.status <> 'rejected'`)
    .where({ 'w.tenant': scope.tenant, 'w.pipeline': pipeline })
    .orderBy([{ column: 'w.since' }, { column: 'w.record_key' }])
    .limit(limit)
    .select('w.record_key');
  return rows.map((r) => r.record_key);
}

export async function listReferenceWaits(scope: Scope, filter: { pipeline?: string; limit?: number } = {}): Promise<StoredReferenceWait[]> {
  const q = scope.db(tables.referenceWaits).where({ tenant: scope.tenant });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  const rows: Array<Record<string, unknown>> = await q.orderBy(['pipeline', 'since', 'record_key']).limit(filter.limit ?? 1000);
  return rows.map((r) => ({
    pipeline: String(r.pipeline),
    recordKey: String(r.record_key),
    field: String(r.field),
    reference: String(r.reference),
    local: { object: String(r.ref_object), key: String(r.ref_key) },
    remote: { connector: String(r.ref_connector), object: String(r.ref_remote_object) },
    since: toNumber(r.since),
    updatedAt: toNumber(r.updated_at),
  }));
}

export interface ReferenceWaitSummary {
  pipeline: string;
  reference: string;
  records: number;
  oldestSince: number;
}

/** How many records of each pipeline wait for a record of each referenced pipeline, and since when. */
export async function summarizeReferenceWaits(scope: Scope, filter: { pipeline?: string } = {}): Promise<ReferenceWaitSummary[]> {
  const q = scope.db(tables.referenceWaits).where({ tenant: scope.tenant });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  const rows: Array<Record<string, unknown>> = await q.groupBy(['pipeline', 'reference']).orderBy(['pipeline', 'reference']).select('pipeline', 'reference').count({ n: '*' }).min({ oldest: 'since' });
  return rows.map((r) => ({ pipeline: String(r.pipeline), reference: String(r.reference), records: toNumber(r.n), oldestSince: toNumber(r.oldest) }));
}
