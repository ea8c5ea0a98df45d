import { mergeRecord } from '../../src/merge/threeWayMerge.js';
import type { FieldRule } from '../../src/merge/types.js';

// The Quotey → CRM deal mapping of the design brief.
const dealRules: FieldRule[] = [
  { field: 'deal.crm_ref', owner: 'immutable_after_bind' },
  { field: 'deal.stage', owner: 'crm_wins' },
  { field: 'deal.close_date', owner: 'crm_wins' },
  { field: 'quote.id', owner: 'local_wins' },
  { field: 'quote.version', owner: 'local_wins' },
  { field: 'quote.total', owner: 'local_wins' },
];

describe('mergeRecord', () => {
  it('binds a never-synced pair: local-owned fields written, CRM-owned fields applied', () => {
    const result = mergeRecord(
      dealRules,
      undefined,
      { values: { 'quote.id': 'Q-1', 'quote.version': 1, 'quote.total': 1200 } },
      { values: { 'deal.crm_ref': '512', 'deal.stage': 'appointmentscheduled', 'deal.close_date': '1735689600000' } },
    );
    expect(result.held).toBe(false);
    expect(result.crmWrites).toStrictEqual({ 'quote.id': 'Q-1', 'quote.version': 1, 'quote.total': 1200 });
    expect(result.localApplies).toStrictEqual({
      'deal.crm_ref': '512',
      'deal.stage': 'appointmentscheduled',
      'deal.close_date': '1735689600000',
    });
    expect(result.newBase).toStrictEqual({
      'deal.crm_ref': '512',
      'deal.stage': 'appointmentscheduled',
      'deal.close_date': '1735689600000',
      'quote.id': 'Q-1',
      'quote.version': 1,
      'quote.total': 1200,
    });
    expect(result.fields.every((f) => f.bind)).toBe(true);
    expect(result.drift).toEqual([]);
    expect(result.conflicts).toEqual([]);
  });

  it('writes nothing when the CRM only echoes the values in its own representation', () => {
    const base = { 'deal.crm_ref': '512', 'deal.stage': 'closedwon', 'deal.close_date': '1735689600000', 'quote.id': 'Q-1', 'quote.version': 2, 'quote.total': 1200 };
    const result = mergeRecord(
      dealRules,
      base,
      { values: { 'deal.crm_ref': 512, 'deal.stage': 'closedwon', 'deal.close_date': '2025-01-01', 'quote.id': 'Q-1', 'quote.version': 2, 'quote.total': 1200 } },
      { values: { 'deal.crm_ref': '512', 'deal.stage': 'closedwon', 'deal.close_date': '1735689600000', 'quote.id': 'Q-1', 'quote.version': '2', 'quote.total': '1200' } },
    );
    expect(result.crmWrites).toStrictEqual({});
    expect(result.localApplies).toStrictEqual({});
    expect(result.newBase).toStrictEqual(base);
  });

  it('aggregates writes in both directions and records drift', () => {
    const base = { 'deal.crm_ref': '512', 'deal.stage': 'open', 'deal.close_date': null, 'quote.id': 'Q-1', 'quote.version': 1, 'quote.total': 1000 };
    const result = mergeRecord(
      dealRules,
      base,
      { values: { ...base, 'quote.version': 2, 'quote.total': 1200 } },
      { values: { ...base, 'deal.stage': 'closedwon', 'quote.total': '999' } },
    );
    expect(result.held).toBe(false);
    expect(result.crmWrites).toStrictEqual({ 'quote.version': 2, 'quote.total': 1200 });
    expect(result.localApplies).toStrictEqual({ 'deal.stage': 'closedwon' });
    expect(result.newBase).toStrictEqual({ ...base, 'deal.stage': 'closedwon', 'quote.version': 2, 'quote.total': 1200 });
    expect(result.drift).toStrictEqual([
      { field: 'quote.total', side: 'crm', base: { value: 1000 }, overwritten: '999', kept: 1200 },
    ]);
  });

  it('holds every write of the record when an immutable field conflicts', () => {
    const base = { 'deal.crm_ref': '512', 'deal.stage': 'open', 'quote.total': 1000 };
    const result = mergeRecord(
      dealRules,
      base,
      { values: { ...base, 'quote.total': 1200 } },
      { values: { ...base, 'deal.crm_ref': '513', 'deal.stage': 'closedwon' } },
    );
    expect(result.held).toBe(true);
    expect(result.crmWrites).toStrictEqual({});
    expect(result.localApplies).toStrictEqual({});
    expect(result.newBase).toStrictEqual(base);
    expect(result.conflicts).toStrictEqual([
      {
        field: 'deal.crm_ref',
        owner: 'immutable_after_bind',
        reason: 'immutable_changed',
        retryable: false,
        base: { value: '512' },
        local: { value: '512' },
        crm: { value: '513' },
      },
    ]);
    // The field decisions still say what would have happened, for the reconciliation item.
    expect(result.fields.find((f) => f.field === 'quote.total')?.writeCrm).toStrictEqual({ value: 1200 });
  });

  it('holds only its own field on a merge_with_audit reconcile conflict', () => {
    const rules: FieldRule[] = [
      { field: 'description', owner: 'merge_with_audit', onConflict: 'reconcile' },
      { field: 'employees', owner: 'local_wins' },
    ];
    const base = { description: 'old', employees: 10 };
    const result = mergeRecord(rules, base, { values: { description: 'ours', employees: 12 } }, { values: { description: 'theirs', employees: 10 } });
    expect(result.held).toBe(false);
    expect(result.crmWrites).toStrictEqual({ employees: 12 });
    expect(result.newBase).toStrictEqual({ description: 'old', employees: 12 });
    expect(result.conflicts.map((c) => c.reason)).toEqual(['both_changed']);
  });

  it('uses per-field modification times before the record time for newest', () => {
    const rules: FieldRule[] = [{ field: 'description', owner: 'merge_with_audit', onConflict: 'newest' }];
    const result = mergeRecord(
      rules,
      { description: 'old' },
      { values: { description: 'ours' }, modifiedAt: '2026-03-01T12:00:00Z' },
      {
        values: { description: 'theirs' },
        modifiedAt: '2026-03-01T09:00:00Z',
        fieldModifiedAt: { description: '1772370000000' }, // 2026-03-01T13:00:00Z
      },
    );
    expect(result.localApplies).toStrictEqual({ description: 'theirs' });
    expect(result.audit).toStrictEqual([
      {
        field: 'description',
        base: { value: 'old' },
        local: { value: 'ours', modifiedAt: '2026-03-01T12:00:00Z' },
        crm: { value: 'theirs', modifiedAt: '1772370000000' },
        winner: 'crm',
        rule: 'newest',
        tie: false,
        value: 'theirs',
      },
    ]);
  });

  it('treats a field missing from a stored base as never synced and keeps fields outside the rules', () => {
    const rules: FieldRule[] = [{ field: 'industry', owner: 'local_wins' }];
    const result = mergeRecord(rules, { legacy: 'kept' }, { values: {} }, { values: { industry: 'Retail' } });
    expect(result.crmWrites).toStrictEqual({});
    expect(result.newBase).toStrictEqual({ legacy: 'kept' });
    expect(result.fields[0]).toMatchObject({ change: 'crm', bind: false });
  });

  it('rejects a rule set naming a field twice', () => {
    expect(() =>
      mergeRecord(
        [
          { field: 'x', owner: 'crm_wins' },
          { field: 'x', owner: 'local_wins' },
        ],
        undefined,
        { values: {} },
        { values: {} },
      ),
    ).toThrow('field "x" has more than one ownership rule');
  });
});
