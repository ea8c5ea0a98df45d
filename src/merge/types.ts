/**
 * The data of a field merge: ownership rules, the inputs of one field's decision and the
 * decision with its records (drift, audit, conflict). Pure data, so the engine can persist and
 * compare it.
 */

/**
 * Who owns a field:
 * - `crm_wins`: the CRM value is applied locally; local edits are never written to the CRM.
 * - `local_wins`: the local value is written to the CRM; CRM edits are overwritten (drift).
 * - `merge_with_audit`: a one-sided change is taken; both sides changing to different values is
 *   resolved by `onConflict` and audited, or opens a reconciliation item.
 * - `immutable_after_bind`: set once (the bind); any later change from either side is a
 *   non-retryable conflict that opens a reconciliation item.
 */
import type { OwnershipPolicy } from '../spec/types.js';
export type { OwnershipPolicy };
export { OWNERSHIP_POLICIES } from '../spec/schema/pipelineSchema.js';

/**
 * How `merge_with_audit` settles both sides changing to different values:
 * - `newest`: the side modified last wins; equal or unknown modification times go to the CRM,
 *   the side people edit by hand, so a person's edit is not silently reverted by a tie;
 * - `local` / `crm`: that side always wins;
 * - `reconcile`: nothing is written, a reconciliation item is opened.
 */
export type ConflictResolution = 'newest' | 'local' | 'crm' | 'reconcile';

/**
 * The ownership rule of one canonical field, in the words of a pipeline's `fields.<name>` entry
 * (`owner`, `onConflict`), so `{ field: name, ...fieldMap }` is one.
 */
export interface FieldRule {
  /** Canonical field name; the local and CRM snapshots are keyed by it. */
  readonly field: string;
  readonly owner: OwnershipPolicy;
  /**
   * Only for `merge_with_audit`.
   * @defaultValue 'newest'
   */
  readonly onConflict?: ConflictResolution;
}

/** A modification time: a Date, an ISO-8601 string or epoch milliseconds. */
export type Timestamp = Date | string | number;

/** One side's value of a field and, when known, when it was last modified. */
export interface SideValue {
  readonly value: unknown;
  readonly modifiedAt?: Timestamp;
}

/** The last value both sides agreed on. Absent (not `{ value: undefined }`) when never agreed. */
export interface Base {
  readonly value: unknown;
}

/** What changed since the base (for a never-agreed field, a side "changed" when it has a value). */
export type FieldChange = 'none' | 'local' | 'crm' | 'both_same' | 'both_different';

/** A CRM edit overwritten by `local_wins`, or a local edit overwritten by `crm_wins`. */
export interface Drift {
  readonly field: string;
  /** The side whose edit was overwritten. */
  readonly side: 'crm' | 'local';
  readonly base?: Base;
  readonly overwritten: unknown;
  readonly kept: unknown;
}

/** The record of a `merge_with_audit` decision between two different changes. */
export interface MergeAudit {
  readonly field: string;
  readonly base?: Base;
  readonly local: SideValue;
  readonly crm: SideValue;
  readonly winner: 'local' | 'crm';
  /** The `onConflict` setting that decided. */
  readonly rule: 'newest' | 'local' | 'crm';
  /** `newest` could not tell the sides apart (equal or unknown times) and fell back to the CRM. */
  readonly tie: boolean;
  readonly value: unknown;
}

/**
 * A change the policy refuses: non-retryable, it opens a reconciliation item.
 * - `immutable_changed`: a bound `immutable_after_bind` value changed on either side;
 * - `immutable_bind_mismatch`: both sides set an unbound `immutable_after_bind` field differently;
 * - `both_changed`: `merge_with_audit` with `onConflict: reconcile` saw two different changes.
 */
export interface FieldConflict {
  readonly field: string;
  readonly owner: OwnershipPolicy;
  readonly reason: 'immutable_changed' | 'immutable_bind_mismatch' | 'both_changed';
  readonly retryable: false;
  readonly base?: Base;
  readonly local: SideValue;
  readonly crm: SideValue;
}

/** The decision for one field. Absent members mean "nothing of that kind". */
export interface FieldDecision {
  readonly field: string;
  readonly owner: OwnershipPolicy;
  readonly change: FieldChange;
  /** Value to write to the CRM. */
  readonly writeCrm?: Base;
  /** Value to apply to the local record. */
  readonly applyLocal?: Base;
  /**
   * The base to keep once the writes above have succeeded; absent when the field stays without
   * an agreed value (never synced and the sides could not agree).
   */
  readonly newBase?: Base;
  /** The field goes from no agreed value (absent or empty base) to an agreed, non-empty one. */
  readonly bind: boolean;
  readonly drift?: Drift;
  readonly audit?: MergeAudit;
  readonly conflict?: FieldConflict;
}

/** The inputs of one field's decision. */
export interface FieldInput {
  /** Absent for a pair (or a field) never synced. */
  readonly base?: Base;
  readonly local: SideValue;
  readonly crm: SideValue;
}
