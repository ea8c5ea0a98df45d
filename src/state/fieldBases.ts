/**
 * Field bases for three-way merges: per linked pair and field, the last value both sides agreed
 * on. A merge compares each side's current value with the base to tell who changed what.
 *
 * One row per linked pair holds all of its fields (`fields`: canonical field → base), so
 * settling a write costs one row whatever the number of fields.
 */
import { IDS_PER_STATEMENT, ROWS_PER_STATEMENT, chunks } from './batching.js';
import { bulkInsert } from './bulkInsert.js';
import { fromJson, toJson, toNumber } from './columns.js';
import { placeholders, runRaw } from './raw.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export interface FieldBase {
  field: string;
  value: unknown;
  /** The local side's modification time of the agreed value, when known. */
  localUpdatedAt: number | null;
  /** The remote side's modification time of the agreed value, when known. */
  remoteUpdatedAt: number | null;
  agreedAt: number;
}

export interface FieldBaseInput {
  linkId: number;
  field: string;
  value: unknown;
  localUpdatedAt?: number;
  remoteUpdatedAt?: number;
}

/** How one field's base is kept inside the row's `fields` object. */
interface StoredBase {
  value: unknown;
  localUpdatedAt?: number;
  remoteUpdatedAt?: number;
  agreedAt: number;
}

type StoredFields = Record<string, StoredBase>;

function toFieldBase(field: string, b: StoredBase): FieldBase {
  return { field, value: b.value ?? null, localUpdatedAt: b.localUpdatedAt ?? null, remoteUpdatedAt: b.remoteUpdatedAt ?? null, agreedAt: b.agreedAt };
}

export async function getFieldBases(scope: Scope, linkId: number): Promise<Map<string, FieldBase>> {
  return (await getFieldBasesForLinks(scope, [linkId])).get(linkId) ?? new Map();
}

async function storedFields(scope: Scope, linkIds: readonly number[]): Promise<Map<number, StoredFields>> {
  const out = new Map<number, StoredFields>();
  for (const part of chunks(linkIds, IDS_PER_STATEMENT)) {
    const { rows } = await runRaw<{ link_id: unknown; fields: unknown }>(
      scope,
      `select link_id, fields from ${tables.fieldBases} where tenant = ? and link_id in (${placeholders(part.length)})`,
      [scope.tenant, ...part],
    );
    for (const r of rows) out.set(toNumber(r.link_id), fromJson<StoredFields>(scope.dialect, r.fields));
  }
  return out;
}

/** Bases of many links at once, keyed by link id then field. */
export async function getFieldBasesForLinks(scope: Scope, linkIds: readonly number[]): Promise<Map<number, Map<string, FieldBase>>> {
  const out = new Map<number, Map<string, FieldBase>>();
  for (const [id, fields] of await storedFields(scope, linkIds)) {
    out.set(id, new Map(Object.entries(fields).map(([field, b]) => [field, toFieldBase(field, b)])));
  }
  return out;
}

/** Records newly agreed values (insert or replace per link and field; other fields keep theirs). */
export async function saveFieldBases(scope: Scope, bases: readonly FieldBaseInput[]): Promise<void> {
  if (bases.length === 0) return;
  const now = scope.now();
  const byLink = new Map<number, StoredFields>();
  for (const b of bases) {
    let fields = byLink.get(b.linkId);
    if (!fields) byLink.set(b.linkId, (fields = {}));
    fields[b.field] = {
      value: b.value === undefined ? null : b.value,
      ...(b.localUpdatedAt !== undefined ? { localUpdatedAt: b.localUpdatedAt } : {}),
      ...(b.remoteUpdatedAt !== undefined ? { remoteUpdatedAt: b.remoteUpdatedAt } : {}),
      agreedAt: now,
    };
  }
  await scope.transaction(async (tx) => {
    // PostgreSQL merges the objects in the statement (`||` replaces top-level keys), so two workers
    // settling different fields of one pair cannot lose each other's. SQLite has one writer and
    // this runs in its write transaction, so reading and merging here is just as safe.
    let rows = [...byLink];
    if (tx.dialect === 'sqlite') {
      const existing = await storedFields(tx, [...byLink.keys()]);
      rows = rows.map(([id, fields]) => [id, { ...existing.get(id), ...fields }]);
    }
    const merge = tx.dialect === 'postgres' ? `${tables.fieldBases}.fields || excluded.fields` : 'excluded.fields';
    for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
      await bulkInsert<[number, StoredFields]>(
        tx,
        {
          table: tables.fieldBases,
          columns: ['tenant', 'link_id', 'fields', 'updated_at'],
          values: ([id, fields]) => [tx.tenant, id, toJson(fields), now],
          onConflict: `on conflict (tenant, link_id) do update set fields = ${merge}, updated_at = excluded.updated_at`,
        },
        part,
      );
    }
  });
}

export async function deleteFieldBases(scope: Scope, linkId: number): Promise<number> {
  const existing = (await storedFields(scope, [linkId])).get(linkId);
  await scope.db(tables.fieldBases).where({ tenant: scope.tenant, link_id: linkId }).del();
  return existing ? Object.keys(existing).length : 0;
}
