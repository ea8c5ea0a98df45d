/**
 * The ownership policy table: every policy × {neither side changed, local changed, CRM changed,
 * both changed to different values, both changed to the same value}, the never-synced cases, and
 * representation differences that are not changes. Each row states the exact decision. The pure
 * merge test runs it through `decideField`; the engine runs the same rows against the SQLite and
 * PostgreSQL stores, so rows are plain data and `expectedDecision` expands one into the full
 * `FieldDecision`.
 */
import type {
  Base,
  ConflictResolution,
  FieldChange,
  FieldConflict,
  FieldDecision,
  FieldRule,
  MergeAudit,
  OwnershipPolicy,
  SideValue,
} from '../../src/merge/types.js';

export interface ExpectedDecision {
  readonly change: FieldChange;
  readonly writeCrm?: Base;
  readonly applyLocal?: Base;
  readonly newBase?: Base;
  readonly bind: boolean;
  readonly drift?: { readonly side: 'crm' | 'local'; readonly overwritten: unknown; readonly kept: unknown };
  readonly audit?: Pick<MergeAudit, 'winner' | 'rule' | 'tie' | 'value'>;
  readonly conflict?: Pick<FieldConflict, 'reason'>;
}

export interface PolicyCase {
  readonly name: string;
  readonly rule: FieldRule;
  /** Absent: the pair (or this field) was never synced. */
  readonly base?: Base;
  readonly local: SideValue;
  readonly crm: SideValue;
  readonly expected: ExpectedDecision;
}

const EARLIER = '2026-03-01T09:00:00.000Z';
const LATER = '2026-03-01T10:00:00.000Z';

const FIELD: Record<OwnershipPolicy, string> = {
  crm_wins: 'deal.stage',
  local_wins: 'quote.total',
  merge_with_audit: 'company.description',
  immutable_after_bind: 'deal.crm_ref',
};

function rule(policy: OwnershipPolicy, onConflict?: ConflictResolution): FieldRule {
  return { field: FIELD[policy], owner: policy, ...(onConflict ? { onConflict } : {}) };
}

const v = (value: unknown): Base => ({ value });
const at = (value: unknown, modifiedAt?: string): SideValue => ({ value, ...(modifiedAt ? { modifiedAt } : {}) });

/** Five rows for a policy from the base 'a': the standard changes. */
function fiveCases(
  label: string,
  r: FieldRule,
  expected: Record<'none' | 'local' | 'crm' | 'both_different' | 'both_same', ExpectedDecision>,
  times: { local?: string; crm?: string } = {},
): PolicyCase[] {
  return [
    { name: `${label} / neither side changed`, rule: r, base: v('a'), local: at('a', times.local), crm: at('a', times.crm), expected: expected.none },
    { name: `${label} / local changed`, rule: r, base: v('a'), local: at('b', times.local), crm: at('a', times.crm), expected: expected.local },
    { name: `${label} / CRM changed`, rule: r, base: v('a'), local: at('a', times.local), crm: at('b', times.crm), expected: expected.crm },
    {
      name: `${label} / both changed to different values`,
      rule: r,
      base: v('a'),
      local: at('b', times.local),
      crm: at('c', times.crm),
      expected: expected.both_different,
    },
    { name: `${label} / both changed to the same value`, rule: r, base: v('a'), local: at('b', times.local), crm: at('b', times.crm), expected: expected.both_same },
  ];
}

export const policyCases: readonly PolicyCase[] = [
  // ── crm_wins ────────────────────────────────────────────────────────────────────────────────
  ...fiveCases('crm_wins', rule('crm_wins'), {
    none: { change: 'none', newBase: v('a'), bind: false },
    local: { change: 'local', applyLocal: v('a'), newBase: v('a'), bind: false, drift: { side: 'local', overwritten: 'b', kept: 'a' } },
    crm: { change: 'crm', applyLocal: v('b'), newBase: v('b'), bind: false },
    both_different: { change: 'both_different', applyLocal: v('c'), newBase: v('c'), bind: false, drift: { side: 'local', overwritten: 'b', kept: 'c' } },
    both_same: { change: 'both_same', newBase: v('b'), bind: false },
  }),
  {
    name: 'crm_wins / CRM cleared the value',
    rule: rule('crm_wins'),
    base: v('a'),
    local: at('a'),
    crm: at(''),
    expected: { change: 'crm', applyLocal: v(''), newBase: v(''), bind: false },
  },
  {
    name: 'crm_wins / agreed empty, local set a value',
    rule: rule('crm_wins'),
    base: v(null),
    local: at('x'),
    crm: at(null),
    expected: { change: 'local', applyLocal: v(null), newBase: v(null), bind: false, drift: { side: 'local', overwritten: 'x', kept: null } },
  },

  // ── local_wins ──────────────────────────────────────────────────────────────────────────────
  ...fiveCases('local_wins', rule('local_wins'), {
    none: { change: 'none', newBase: v('a'), bind: false },
    local: { change: 'local', writeCrm: v('b'), newBase: v('b'), bind: false },
    crm: { change: 'crm', writeCrm: v('a'), newBase: v('a'), bind: false, drift: { side: 'crm', overwritten: 'b', kept: 'a' } },
    both_different: { change: 'both_different', writeCrm: v('b'), newBase: v('b'), bind: false, drift: { side: 'crm', overwritten: 'c', kept: 'b' } },
    both_same: { change: 'both_same', newBase: v('b'), bind: false },
  }),
  {
    name: 'local_wins / local cleared the value (absent is written as null)',
    rule: rule('local_wins'),
    base: v('a'),
    local: at(undefined),
    crm: at('a'),
    expected: { change: 'local', writeCrm: v(null), newBase: v(null), bind: false },
  },

  // ── merge_with_audit ────────────────────────────────────────────────────────────────────────
  ...fiveCases(
    'merge_with_audit (newest, local newer)',
    rule('merge_with_audit', 'newest'),
    {
      none: { change: 'none', newBase: v('a'), bind: false },
      local: { change: 'local', writeCrm: v('b'), newBase: v('b'), bind: false },
      crm: { change: 'crm', applyLocal: v('b'), newBase: v('b'), bind: false },
      both_different: {
        change: 'both_different',
        writeCrm: v('b'),
        newBase: v('b'),
        bind: false,
        audit: { winner: 'local', rule: 'newest', tie: false, value: 'b' },
      },
      both_same: { change: 'both_same', newBase: v('b'), bind: false },
    },
    { local: LATER, crm: EARLIER },
  ),
  {
    name: 'merge_with_audit (newest) / both changed, CRM newer',
    rule: rule('merge_with_audit', 'newest'),
    base: v('a'),
    local: at('b', EARLIER),
    crm: at('c', LATER),
    expected: { change: 'both_different', applyLocal: v('c'), newBase: v('c'), bind: false, audit: { winner: 'crm', rule: 'newest', tie: false, value: 'c' } },
  },
  {
    name: 'merge_with_audit (newest) / both changed at the same instant: the CRM wins the tie',
    rule: rule('merge_with_audit', 'newest'),
    base: v('a'),
    local: at('b', LATER),
    crm: at('c', LATER),
    expected: { change: 'both_different', applyLocal: v('c'), newBase: v('c'), bind: false, audit: { winner: 'crm', rule: 'newest', tie: true, value: 'c' } },
  },
  {
    name: 'merge_with_audit (default onConflict is newest) / both changed, times unknown',
    rule: rule('merge_with_audit'),
    base: v('a'),
    local: at('b'),
    crm: at('c'),
    expected: { change: 'both_different', applyLocal: v('c'), newBase: v('c'), bind: false, audit: { winner: 'crm', rule: 'newest', tie: true, value: 'c' } },
  },
  {
    name: 'merge_with_audit (local) / both changed, CRM newer',
    rule: rule('merge_with_audit', 'local'),
    base: v('a'),
    local: at('b', EARLIER),
    crm: at('c', LATER),
    expected: { change: 'both_different', writeCrm: v('b'), newBase: v('b'), bind: false, audit: { winner: 'local', rule: 'local', tie: false, value: 'b' } },
  },
  {
    name: 'merge_with_audit (crm) / both changed, local newer',
    rule: rule('merge_with_audit', 'crm'),
    base: v('a'),
    local: at('b', LATER),
    crm: at('c', EARLIER),
    expected: { change: 'both_different', applyLocal: v('c'), newBase: v('c'), bind: false, audit: { winner: 'crm', rule: 'crm', tie: false, value: 'c' } },
  },
  ...fiveCases('merge_with_audit (reconcile)', rule('merge_with_audit', 'reconcile'), {
    none: { change: 'none', newBase: v('a'), bind: false },
    local: { change: 'local', writeCrm: v('b'), newBase: v('b'), bind: false },
    crm: { change: 'crm', applyLocal: v('b'), newBase: v('b'), bind: false },
    both_different: { change: 'both_different', newBase: v('a'), bind: false, conflict: { reason: 'both_changed' } },
    both_same: { change: 'both_same', newBase: v('b'), bind: false },
  }),

  // ── immutable_after_bind ────────────────────────────────────────────────────────────────────
  ...fiveCases('immutable_after_bind', rule('immutable_after_bind'), {
    none: { change: 'none', newBase: v('a'), bind: false },
    local: { change: 'local', newBase: v('a'), bind: false, conflict: { reason: 'immutable_changed' } },
    crm: { change: 'crm', newBase: v('a'), bind: false, conflict: { reason: 'immutable_changed' } },
    both_different: { change: 'both_different', newBase: v('a'), bind: false, conflict: { reason: 'immutable_changed' } },
    both_same: { change: 'both_same', newBase: v('a'), bind: false, conflict: { reason: 'immutable_changed' } },
  }),
  {
    name: 'immutable_after_bind / CRM cleared a bound value',
    rule: rule('immutable_after_bind'),
    base: v('a'),
    local: at('a'),
    crm: at(null),
    expected: { change: 'crm', newBase: v('a'), bind: false, conflict: { reason: 'immutable_changed' } },
  },
  {
    name: 'immutable_after_bind / agreed empty, local sets it: a bind',
    rule: rule('immutable_after_bind'),
    base: v(null),
    local: at('x'),
    crm: at(''),
    expected: { change: 'local', writeCrm: v('x'), newBase: v('x'), bind: true },
  },
  {
    name: 'immutable_after_bind / agreed empty, CRM sets it: a bind',
    rule: rule('immutable_after_bind'),
    base: v(''),
    local: at(null),
    crm: at('x'),
    expected: { change: 'crm', applyLocal: v('x'), newBase: v('x'), bind: true },
  },
  {
    name: 'immutable_after_bind / agreed empty, both set different values',
    rule: rule('immutable_after_bind'),
    base: v(null),
    local: at('x'),
    crm: at('y'),
    expected: { change: 'both_different', newBase: v(null), bind: false, conflict: { reason: 'immutable_bind_mismatch' } },
  },

  // ── never synced (no base) ──────────────────────────────────────────────────────────────────
  ...neverSynced('crm_wins', {
    both_empty: { change: 'none', newBase: v(null), bind: false },
    local_only: { change: 'local', bind: false },
    crm_only: { change: 'crm', applyLocal: v('y'), newBase: v('y'), bind: true },
    same: { change: 'both_same', newBase: v('x'), bind: true },
    different: { change: 'both_different', applyLocal: v('y'), newBase: v('y'), bind: true, drift: { side: 'local', overwritten: 'x', kept: 'y' } },
  }),
  ...neverSynced('local_wins', {
    both_empty: { change: 'none', newBase: v(null), bind: false },
    local_only: { change: 'local', writeCrm: v('x'), newBase: v('x'), bind: true },
    crm_only: { change: 'crm', bind: false },
    same: { change: 'both_same', newBase: v('x'), bind: true },
    different: { change: 'both_different', writeCrm: v('x'), newBase: v('x'), bind: true, drift: { side: 'crm', overwritten: 'y', kept: 'x' } },
  }),
  ...neverSynced('merge_with_audit', {
    both_empty: { change: 'none', newBase: v(null), bind: false },
    local_only: { change: 'local', writeCrm: v('x'), newBase: v('x'), bind: true },
    crm_only: { change: 'crm', applyLocal: v('y'), newBase: v('y'), bind: true },
    same: { change: 'both_same', newBase: v('x'), bind: true },
    different: { change: 'both_different', writeCrm: v('x'), newBase: v('x'), bind: true, audit: { winner: 'local', rule: 'newest', tie: false, value: 'x' } },
  }),
  {
    name: 'merge_with_audit (reconcile) / never synced, both hold different values',
    rule: rule('merge_with_audit', 'reconcile'),
    local: at('x'),
    crm: at('y'),
    expected: { change: 'both_different', bind: false, conflict: { reason: 'both_changed' } },
  },
  ...neverSynced('immutable_after_bind', {
    both_empty: { change: 'none', newBase: v(null), bind: false },
    local_only: { change: 'local', writeCrm: v('x'), newBase: v('x'), bind: true },
    crm_only: { change: 'crm', applyLocal: v('y'), newBase: v('y'), bind: true },
    same: { change: 'both_same', newBase: v('x'), bind: true },
    different: { change: 'both_different', bind: false, conflict: { reason: 'immutable_bind_mismatch' } },
  }),

  // ── representation differences are not changes ──────────────────────────────────────────────
  {
    name: 'local_wins / CRM returns the number as a string',
    rule: rule('local_wins'),
    base: v(17),
    local: at(17),
    crm: at('17'),
    expected: { change: 'none', newBase: v(17), bind: false },
  },
  {
    name: 'crm_wins / CRM epoch-ms date vs local ISO day',
    rule: rule('crm_wins'),
    base: v('1572480000000'),
    local: at('2019-10-31'),
    crm: at('1572480000000'),
    expected: { change: 'none', newBase: v('1572480000000'), bind: false },
  },
  {
    name: 'immutable_after_bind / CRM id returned as a string, stored as a number',
    rule: rule('immutable_after_bind'),
    base: v('512'),
    local: at(512),
    crm: at('512'),
    expected: { change: 'none', newBase: v('512'), bind: false },
  },
  {
    name: 'merge_with_audit / null, empty string and absent are the same empty value',
    rule: rule('merge_with_audit'),
    base: v(null),
    local: at(undefined),
    crm: at(''),
    expected: { change: 'none', newBase: v(null), bind: false },
  },
];

/** Five never-synced rows: both empty, only local 'x', only CRM 'y', both 'x', 'x' vs 'y'. */
function neverSynced(
  policy: OwnershipPolicy,
  expected: Record<'both_empty' | 'local_only' | 'crm_only' | 'same' | 'different', ExpectedDecision>,
): PolicyCase[] {
  const r = rule(policy);
  const label = `${policy} / never synced`;
  return [
    { name: `${label}, both empty`, rule: r, local: at(null), crm: at(undefined), expected: expected.both_empty },
    { name: `${label}, only local has a value`, rule: r, local: at('x', LATER), crm: at(''), expected: expected.local_only },
    { name: `${label}, only the CRM has a value`, rule: r, local: at(undefined), crm: at('y', LATER), expected: expected.crm_only },
    { name: `${label}, both hold the same value`, rule: r, local: at('x', LATER), crm: at('x', EARLIER), expected: expected.same },
    { name: `${label}, both hold different values`, rule: r, local: at('x', LATER), crm: at('y', EARLIER), expected: expected.different },
  ];
}

/** The full decision a row expects, with the context the drift, audit and conflict records carry. */
export function expectedDecision(c: PolicyCase): FieldDecision {
  const { field, owner } = c.rule;
  const { drift, audit, conflict, ...rest } = c.expected;
  const base = c.base ? { base: c.base } : {};
  return {
    field,
    owner,
    ...rest,
    ...(drift ? { drift: { field, ...drift, ...base } } : {}),
    ...(audit ? { audit: { field, ...base, local: c.local, crm: c.crm, ...audit } } : {}),
    ...(conflict ? { conflict: { field, owner, ...conflict, retryable: false as const, ...base, local: c.local, crm: c.crm } } : {}),
  };
}
