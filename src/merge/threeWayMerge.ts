/**
 * The three-way merge: per field, compare each side with the base (the last value both sides
 * agreed on), classify the change, and let the field's ownership policy decide. `mergeRecord`
 * does it for every field of a linked record pair and gathers the writes.
 *
 * The engine applies a result in this order: `crmWrites` through the outbox, `localApplies` to the
 * local record, and only once those writes are acknowledged does it store `newBase`, so a crash in
 * between replays the same decision instead of losing a change.
 */
import { POLICIES } from './policies.js';
import type {
  Base,
  Drift,
  FieldChange,
  FieldConflict,
  FieldDecision,
  FieldInput,
  FieldRule,
  MergeAudit,
  Timestamp,
} from './types.js';
import { isEmpty, valuesEqual } from './valuesEqual.js';

/** What changed since the base; for a never-agreed field a side changed when it holds a value. */
export function classifyChange(input: FieldInput): FieldChange {
  const { base, local, crm } = input;
  const localChanged = base ? !valuesEqual(local.value, base.value) : !isEmpty(local.value);
  const crmChanged = base ? !valuesEqual(crm.value, base.value) : !isEmpty(crm.value);
  if (localChanged && crmChanged) return valuesEqual(local.value, crm.value) ? 'both_same' : 'both_different';
  if (localChanged) return 'local';
  if (crmChanged) return 'crm';
  return 'none';
}

/** Decides one field under `rule`. Pure: the same inputs always give the same decision. */
export function decideField(rule: FieldRule, input: FieldInput): FieldDecision {
  const change = classifyChange(input);
  const bound = input.base !== undefined && !isEmpty(input.base.value);
  const effect = POLICIES[rule.owner]({ rule, input, change, bound });
  const bind = !bound && effect.newBase !== undefined && !isEmpty(effect.newBase.value);
  return { field: rule.field, owner: rule.owner, change, ...effect, bind };
}

/** One side of a linked record pair, keyed by canonical field names. */
export interface RecordSnapshot {
  readonly values: Readonly<Record<string, unknown>>;
  /** When the record was last modified; used for fields without their own time. */
  readonly modifiedAt?: Timestamp;
  /** Per-field modification times, where the system keeps them (property history). */
  readonly fieldModifiedAt?: Readonly<Record<string, Timestamp>>;
}

export interface RecordMerge {
  /** One decision per rule, in rule order. */
  readonly fields: readonly FieldDecision[];
  /** Field → value to write to the CRM (empty when nothing is to be written). */
  readonly crmWrites: Readonly<Record<string, unknown>>;
  /** Field → value to apply to the local record. */
  readonly localApplies: Readonly<Record<string, unknown>>;
  /**
   * The base to store after the writes succeed: the previous base with each decided field's new
   * base, fields left without one removed. Fields outside the rules are carried over.
   */
  readonly newBase: Readonly<Record<string, unknown>>;
  readonly drift: readonly Drift[];
  readonly audit: readonly MergeAudit[];
  readonly conflicts: readonly FieldConflict[];
  /**
   * An `immutable_after_bind` field is in conflict. The value a link rests on has moved, so the
   * pair itself is in doubt: no field of the record is written either way and the base stays as
   * it was until an operator resolves the reconciliation item. (A `merge_with_audit` conflict
   * holds only its own field.)
   */
  readonly held: boolean;
}

function sideValue(snapshot: RecordSnapshot, field: string): { value: unknown; modifiedAt?: Timestamp } {
  const modifiedAt = snapshot.fieldModifiedAt?.[field] ?? snapshot.modifiedAt;
  return { value: snapshot.values[field], ...(modifiedAt !== undefined ? { modifiedAt } : {}) };
}

/**
 * Merges every field of a linked record pair. `base` is the stored base of the pair (undefined
 * for a pair never synced); a field missing from it has never been agreed on. Throws on a rule
 * set naming a field twice, which `syncd validate` reports before anything runs.
 */
export function mergeRecord(
  rules: readonly FieldRule[],
  base: Readonly<Record<string, unknown>> | undefined,
  local: RecordSnapshot,
  crm: RecordSnapshot,
): RecordMerge {
  const seen = new Set<string>();
  const fields = rules.map((rule) => {
    if (seen.has(rule.field)) throw new Error(`field "${rule.field}" has more than one ownership rule`);
    seen.add(rule.field);
    const fieldBase: Base | undefined = base && Object.hasOwn(base, rule.field) ? { value: base[rule.field] } : undefined;
    return decideField(rule, {
      ...(fieldBase ? { base: fieldBase } : {}),
      local: sideValue(local, rule.field),
      crm: sideValue(crm, rule.field),
    });
  });

  const held = fields.some((d) => d.conflict && d.owner === 'immutable_after_bind');
  const crmWrites: Record<string, unknown> = {};
  const localApplies: Record<string, unknown> = {};
  const newBase: Record<string, unknown> = { ...base };
  if (!held) {
    for (const d of fields) {
      if (d.writeCrm) crmWrites[d.field] = d.writeCrm.value;
      if (d.applyLocal) localApplies[d.field] = d.applyLocal.value;
      if (d.newBase) newBase[d.field] = d.newBase.value;
      else delete newBase[d.field];
    }
  }
  return {
    fields,
    crmWrites,
    localApplies,
    newBase,
    drift: held ? [] : fields.flatMap((d) => (d.drift ? [d.drift] : [])),
    audit: held ? [] : fields.flatMap((d) => (d.audit ? [d.audit] : [])),
    conflicts: fields.flatMap((d) => (d.conflict ? [d.conflict] : [])),
    held,
  };
}
