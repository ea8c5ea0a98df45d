/**
 * Field bases for three-way merges: per linked pair and field, the last value both sides agreed
 * on. A merge compares each side's current value with the base to tell who changed what.
 */
import { IDS_PER_STATEMENT, ROWS_PER_STATEMENT, chunks } from './batching.js';
import { fromJson, toJson, toNumber, toNumberOrNull } from './columns.js';
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

function fromRow(scope: Scope, r: Record<string, unknown>): FieldBase {
  return {
    field: String(r.field),
    value: fromJson(scope.dialect, r.value),
    localUpdatedAt: toNumberOrNull(r.local_updated_at),
    remoteUpdatedAt: toNumberOrNull(r.remote_updated_at),
    agreedAt: toNumber(r.agreed_at),
  };
}

export async function getFieldBases(scope: Scope, linkId: number): Promise<Map<string, FieldBase>> {
  return (await getFieldBasesForLinks(scope, [linkId])).get(linkId) ?? new Map();
}

/** Bases of many links at once, keyed by link id then field. */
export async function getFieldBasesForLinks(scope: Scope, linkIds: readonly number[]): Promise<Map<number, Map<string, FieldBase>>> {
  const out = new Map<number, Map<string, FieldBase>>();
  for (const part of chunks(linkIds, IDS_PER_STATEMENT)) {
    const rows = await scope.db(tables.fieldBases).where({ tenant: scope.tenant }).whereIn('link_id', part);
    for (const r of rows) {
      const id = toNumber(r.link_id);
      let fields = out.get(id);
      if (!fields) out.set(id, (fields = new Map()));
      fields.set(String(r.field), fromRow(scope, r));
    }
  }
  return out;
}

/** Records newly agreed values (insert or replace per link and field). */
export async function saveFieldBases(scope: Scope, bases: readonly FieldBaseInput[]): Promise<void> {
  const now = scope.now();
  // PostgreSQL refuses to upsert one row twice in a statement: the last value per field wins.
  const latest = new Map(bases.map((b) => [`${b.linkId}\u0000${b.field}`, b]));
  for (const part of chunks([...latest.values()], ROWS_PER_STATEMENT)) {
    await scope
      .db(tables.fieldBases)
      .insert(
        part.map((b) => ({
          tenant: scope.tenant,
          link_id: b.linkId,
          field: b.field,
          value: toJson(b.value),
          local_updated_at: b.localUpdatedAt ?? null,
          remote_updated_at: b.remoteUpdatedAt ?? null,
          agreed_at: now,
        })),
      )
      .onConflict(['tenant', 'link_id', 'field'])
      .merge(['value', 'local_updated_at', 'remote_updated_at', 'agreed_at']);
  }
}

export async function deleteFieldBases(scope: Scope, linkId: number): Promise<number> {
  return scope.db(tables.fieldBases).where({ tenant: scope.tenant, link_id: linkId }).del();
}
