/**
 * Field ownership policies. Each decides, for one field of one linked record pair, what the
 * three-way merge (threeWayMerge.ts) has classified: which side changed since the base, the last
 * value both sides agreed on. A policy returns writes and records; it never performs them.
 *
 * Shared rules of every policy:
 * - a field neither side changed keeps its base; two sides agreeing on an empty value without a
 *   base agree on "empty" (base `null`), which later changes are measured against;
 * - for a field never synced, an empty side carries no information: it is not a change to
 *   propagate, so linking a record never wipes the other side's value; where the owner's side is
 *   the empty one, nothing is written and the field stays without a base until it has a value;
 * - a conflict writes nothing and leaves the base as it was;
 * - written values are the winning side's value as it is (absent becomes `null`), and the new
 *   base is the value written or kept.
 */
import type {
  Base,
  ConflictResolution,
  FieldChange,
  FieldDecision,
  FieldInput,
  FieldRule,
  OwnershipPolicy,
  SideValue,
  Timestamp,
} from './types.js';

/** Modification time in epoch ms, or undefined when absent or unreadable. */
export function timestampMs(t: Timestamp | undefined): number | undefined {
  if (t === undefined) return undefined;
  if (t instanceof Date) return Number.isNaN(t.getTime()) ? undefined : t.getTime();
  if (typeof t === 'number') return Number.isFinite(t) ? t : undefined;
  const s = t.trim();
  if (/^\d{1,15}$/.test(s)) return Number(s);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return nanToUndefined(Date.parse(s));
  // ISO-8601 date-times: a missing zone is UTC (as in valuesEqual), never the host's local time,
  // and a `+0100` offset (Salesforce) gets the colon Date.parse expects.
  let iso = s.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/(Z|[+-]\d{2}:\d{2})$/i.test(iso)) iso += 'Z';
  return nanToUndefined(Date.parse(iso));
}

function nanToUndefined(n: number): number | undefined {
  return Number.isNaN(n) ? undefined : n;
}

/** Who wins `newest`: the later modification time; the CRM on a tie or an unknown time. */
export function newestSide(local: SideValue, crm: SideValue): { winner: 'local' | 'crm'; tie: boolean } {
  const l = timestampMs(local.modifiedAt);
  const c = timestampMs(crm.modifiedAt);
  if (l === undefined || c === undefined || l === c) return { winner: 'crm', tie: true };
  return { winner: l > c ? 'local' : 'crm', tie: false };
}

/** What a policy decides for one field, before the merge adds the field's identity. */
export type PolicyEffect = Pick<FieldDecision, 'writeCrm' | 'applyLocal' | 'newBase' | 'drift' | 'audit' | 'conflict'>;

/** The classified inputs a policy decides on. */
export interface PolicyContext {
  readonly rule: FieldRule;
  readonly input: FieldInput;
  readonly change: FieldChange;
  /** The base holds a non-empty value. */
  readonly bound: boolean;
}

function val(v: unknown): Base {
  return { value: v === undefined ? null : v };
}

function unchanged({ input }: PolicyContext): PolicyEffect {
  return { newBase: input.base ?? val(null) };
}

function conflict(ctx: PolicyContext, reason: NonNullable<FieldDecision['conflict']>['reason']): PolicyEffect {
  const { base, local, crm } = ctx.input;
  return {
    ...(base ? { newBase: base } : {}),
    conflict: {
      field: ctx.rule.field,
      owner: ctx.rule.owner,
      reason,
      retryable: false,
      ...(base ? { base } : {}),
      local,
      crm,
    },
  };
}

function takeLocal({ input }: PolicyContext): PolicyEffect {
  return { writeCrm: val(input.local.value), newBase: val(input.local.value) };
}

function takeCrm({ input }: PolicyContext): PolicyEffect {
  return { applyLocal: val(input.crm.value), newBase: val(input.crm.value) };
}

function crmWins(ctx: PolicyContext): PolicyEffect {
  const { base, local, crm } = ctx.input;
  switch (ctx.change) {
    case 'none':
      return unchanged(ctx);
    case 'both_same':
      return { newBase: val(crm.value) };
    case 'crm':
      return takeCrm(ctx);
    case 'local':
    case 'both_different':
      // A local edit of an agreed value is reverted like a conflicting one; a local value the
      // CRM never had is left alone (the never-synced rule above).
      if (ctx.change === 'local' && !base) return {};
      return {
        ...takeCrm(ctx),
        drift: { field: ctx.rule.field, side: 'local', ...(base ? { base } : {}), overwritten: local.value, kept: crm.value },
      };
  }
}

function localWins(ctx: PolicyContext): PolicyEffect {
  const { base, local, crm } = ctx.input;
  switch (ctx.change) {
    case 'none':
      return unchanged(ctx);
    case 'both_same':
      return { newBase: val(local.value) };
    case 'local':
      return takeLocal(ctx);
    case 'crm':
    case 'both_different':
      if (ctx.change === 'crm' && !base) return {};
      return {
        ...takeLocal(ctx),
        drift: { field: ctx.rule.field, side: 'crm', ...(base ? { base } : {}), overwritten: crm.value, kept: local.value },
      };
  }
}

function resolveBothChanged(ctx: PolicyContext, onConflict: ConflictResolution): PolicyEffect {
  if (onConflict === 'reconcile') return conflict(ctx, 'both_changed');
  const { base, local, crm } = ctx.input;
  const { winner, tie } = onConflict === 'newest' ? newestSide(local, crm) : { winner: onConflict, tie: false };
  const effect = winner === 'local' ? takeLocal(ctx) : takeCrm(ctx);
  return {
    ...effect,
    audit: {
      field: ctx.rule.field,
      ...(base ? { base } : {}),
      local,
      crm,
      winner,
      rule: onConflict,
      tie,
      value: effect.newBase!.value,
    },
  };
}

function mergeWithAudit(ctx: PolicyContext): PolicyEffect {
  switch (ctx.change) {
    case 'none':
      return unchanged(ctx);
    case 'both_same':
      return { newBase: val(ctx.input.local.value) };
    case 'local':
      return takeLocal(ctx);
    case 'crm':
      return takeCrm(ctx);
    case 'both_different':
      return resolveBothChanged(ctx, ctx.rule.onConflict ?? 'newest');
  }
}

function immutableAfterBind(ctx: PolicyContext): PolicyEffect {
  if (ctx.change === 'none') return unchanged(ctx);
  // Once set, even both sides moving to the same new value is refused: the identifier a link
  // rests on does not move without an operator.
  if (ctx.bound) return conflict(ctx, 'immutable_changed');
  switch (ctx.change) {
    case 'both_same':
      return { newBase: val(ctx.input.local.value) };
    case 'local':
      return takeLocal(ctx);
    case 'crm':
      return takeCrm(ctx);
    case 'both_different':
      return conflict(ctx, 'immutable_bind_mismatch');
  }
}

/** The decision function of each policy. */
export const POLICIES: Readonly<Record<OwnershipPolicy, (ctx: PolicyContext) => PolicyEffect>> = {
  crm_wins: crmWins,
  local_wins: localWins,
  merge_with_audit: mergeWithAudit,
  immutable_after_bind: immutableAfterBind,
};
